package dev.qnf.consensus.statemachine;

import dev.qnf.consensus.apply.BatchApplier;
import dev.qnf.consensus.apply.Slot;
import dev.qnf.consensus.codec.CodecException;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.store.AppliedMark;
import dev.qnf.consensus.store.EventRetention;
import dev.qnf.consensus.store.StateStore;
import dev.qnf.consensus.watch.EventHistory;
import dev.qnf.consensus.watch.WatchHub;
import dev.qnf.fabric.state.FabricImage;
import io.micrometer.core.instrument.Timer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Adapts Ratis to the fabric: decodes committed batches, lets {@link BatchApplier} decide, persists the outcome
 * in the {@link StateStore}, publishes the next image and tells watchers. Snapshots are store checkpoints
 * ({@link CheckpointStorage}). Apply, snapshots and snapshot installation all run on Ratis's single apply thread;
 * the lock only keeps watch history readers off a store that is being swapped or closed.
 */
public final class FabricStateMachine extends BaseStateMachine implements EventHistory {
    private static final Logger LOG = LoggerFactory.getLogger(FabricStateMachine.class);

    private final Path dbDir;
    private final FabricCodec codec;
    private final EventRetention retention;
    private final CheckpointStorage storage = new CheckpointStorage();
    private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
    private final WatchHub watches;
    private final Timer applyTimer;
    private final AtomicLong entriesApplied = new AtomicLong();
    private final AtomicLong entriesSkipped = new AtomicLong();
    private final AtomicLong snapshotInstalls = new AtomicLong();
    private final AppliedWaiters appliedWaiters = new AppliedWaiters();

    private volatile StateStore store;
    private volatile FabricImage image = FabricImage.empty();

    /**
     * @param dbDir          the live database; must lie outside the Raft storage, whose snapshot directory
     *                       Ratis replaces wholesale when a follower installs a snapshot
     * @param watchExecutor  runs watch deliveries, so that a slow watcher never holds up apply
     * @param applyTimer     nullable; records the time to apply each entry
     */
    public FabricStateMachine(Path dbDir, FabricCodec codec, EventRetention retention, Executor watchExecutor,
                              int watchMaxPending, Timer applyTimer) {
        this.dbDir = dbDir;
        this.codec = codec;
        this.retention = retention;
        this.watches = new WatchHub(this, this::image, watchExecutor, watchMaxPending);
        this.applyTimer = applyTimer;
    }

    public FabricImage image() {
        return image;
    }

    /** Completes once this replica has applied {@code index} (any kind of entry), so its image reflects it. */
    public CompletableFuture<Void> whenApplied(long index) {
        return appliedWaiters.await(index);
    }

    public WatchHub watches() {
        return watches;
    }

    /** Entries applied since this process started (replayed ones excluded). */
    public long entriesApplied() {
        return entriesApplied.get();
    }

    /** Entries Ratis replayed that the store already held, and that were therefore not applied again. */
    public long entriesSkipped() {
        return entriesSkipped.get();
    }

    /** Snapshots installed from a leader since this process started. */
    public long snapshotInstalls() {
        return snapshotInstalls.get();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        storeLock.writeLock().lock();
        try {
            StateStore opened = StateStore.open(dbDir, codec, retention);
            Optional<CheckpointStorage.Checkpoint> newest = storage.newest();
            // A checkpoint newer than the store means the store was lost or a snapshot install was interrupted
            // after Ratis had published it; the log before that checkpoint may be gone, so start from it.
            if (newest.isPresent() && newest.get().index() > opened.applied().index()) {
                LOG.info("store at {} is behind checkpoint {}; restoring it", opened.applied(), newest.get().dir());
                opened.close();
                CheckpointRestore.replace(newest.get().dir(), dbDir);
                opened = StateStore.open(dbDir, codec, retention);
            }
            load(opened);
        } finally {
            storeLock.writeLock().unlock();
        }
        LifeCycle lc = getLifeCycle();
        lc.transition(LifeCycle.State.STARTING);
        lc.transition(LifeCycle.State.RUNNING);
    }

    /** Builds the image from the store and reports the store's position to Ratis. */
    private void load(StateStore opened) throws IOException {
        AppliedMark applied = opened.applied();
        image = FabricImage.of(Math.max(0, applied.index()), opened.loadResources());
        store = opened;
        if (applied.index() >= 0) {
            setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
            appliedWaiters.advance(applied.index());
        }
        LOG.info("loaded {} applied at {}", image, applied);
    }

    @Override
    public void pause() {
        LifeCycle lc = getLifeCycle();
        if (lc.compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
            lc.transition(LifeCycle.State.PAUSED);
        }
    }

    /** Called after Ratis installed a snapshot from the leader: the newest checkpoint becomes the store. */
    @Override
    public void reinitialize() throws IOException {
        storeLock.writeLock().lock();
        try {
            storage.refresh();
            CheckpointStorage.Checkpoint checkpoint = storage.newest()
                    .orElseThrow(() -> new IOException("no checkpoint to reinitialize from in " + storage.getSnapshotDir()));
            StateStore old = store;
            store = null;
            if (old != null) {
                old.close();
            }
            CheckpointRestore.replace(checkpoint.dir(), dbDir);
            load(StateStore.open(dbDir, codec, retention));
        } finally {
            storeLock.writeLock().unlock();
        }
        snapshotInstalls.incrementAndGet();
        watches.resyncAll();
        LifeCycle lc = getLifeCycle();
        if (lc.compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING)) {
            lc.transition(LifeCycle.State.RUNNING);
        }
    }

    /**
     * Leader-side validation: a dry run against the current image. Rejected commands are replaced by their
     * rejection so they never reach the log; if nothing is left, the transaction fails and carries the replies.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) {
        TransactionContext.Builder builder = TransactionContext.newBuilder().setStateMachine(this)
                .setClientRequest(request);
        List<Slot> proposed;
        try {
            proposed = codec.decodeSlots(request.getMessage().getContent().toByteArray());
        } catch (CodecException e) {
            TransactionContext trx = builder.build();
            trx.setException(e);
            return trx;
        }
        BatchApplier.Validation validation = BatchApplier.validate(image, proposed);
        if (validation.allRefused()) {
            TransactionContext trx = builder.build();
            trx.setException(BatchRejectedException.of(codec, validation.replies()));
            return trx;
        }
        if (validation.anyRefused()) {
            builder.setLogData(ByteString.copyFrom(codec.encodeSlots(validation.slots())));
        }
        return builder.build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        StateStore current = store;
        if (index <= current.applied().index()) {
            // Ratis replays from the last snapshot; the store already holds this entry. Its replies are gone,
            // which only matters to a client retrying across a restart; it sees an unknown outcome.
            entriesSkipped.incrementAndGet();
            appliedWaiters.advance(index);
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        long started = System.nanoTime(); // for the latency metric only
        List<Slot> slots = codec.decodeSlots(entry.getStateMachineLogEntry().getLogData().toByteArray());
        BatchApplier.Outcome outcome = BatchApplier.apply(image, slots, index);
        try {
            current.commit(entry.getTerm(), index, outcome.changes());
        } catch (IOException e) {
            // Thrown, not returned: Ratis then stops this server instead of moving past an entry it did not store.
            throw new UncheckedIOException("cannot store entry " + index, e);
        }
        image = outcome.image();
        updateLastAppliedTermIndex(entry.getTerm(), index);
        if (!outcome.changes().isEmpty()) {
            watches.publish(index, outcome.changes());
        }
        appliedWaiters.advance(index);
        entriesApplied.incrementAndGet();
        if (applyTimer != null) {
            applyTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(codec.encodeReplies(outcome.replies()))));
    }

    /** Config and metadata entries. Ratis replays them after a restart too; the applied mark never goes back. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (index > getLastAppliedTermIndex().getIndex()) {
            super.notifyTermIndexUpdated(term, index);
        }
        appliedWaiters.advance(index);
    }

    /**
     * Runs on the apply thread, so the store is quiet. The checkpoint is named after the store's applied mark,
     * the last entry whose effects it holds; later config entries stay in the log and are replayed.
     */
    @Override
    public long takeSnapshot() throws IOException {
        StateStore current = store;
        AppliedMark applied = current.applied();
        if (applied.index() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        Optional<CheckpointStorage.Checkpoint> newest = storage.newest();
        if (newest.isPresent() && newest.get().index() >= applied.index()) {
            return newest.get().index();
        }
        TermIndex ti = TermIndex.valueOf(applied.term(), applied.index());
        Path target = storage.pathFor(ti);
        // RocksDB builds a checkpoint in "<target>.tmp" and renames it; one left by a crash would block this one.
        CheckpointStorage.deleteRecursively(target.resolveSibling(target.getFileName() + ".tmp"));
        current.checkpoint(target);
        storage.refresh();
        LOG.info("took checkpoint at {}", ti);
        return applied.index();
    }

    /** Linearizable reads need only the barrier Ratis runs before calling this: the caller then reads the image. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public Page read(long from, long to, int limit) throws IOException {
        storeLock.readLock().lock();
        try {
            StateStore current = store;
            if (current == null) {
                throw new IOException("state machine is closed");
            }
            return current.readEvents(from, to, limit);
        } finally {
            storeLock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        watches.close();
        storeLock.writeLock().lock();
        try {
            StateStore current = store;
            store = null;
            if (current != null) {
                current.close();
            }
        } finally {
            storeLock.writeLock().unlock();
        }
    }
}
