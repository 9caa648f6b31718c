package dev.qnf.consensus.statemachine;

import dev.qnf.consensus.apply.BatchApplier;
import dev.qnf.consensus.apply.Slot;
import dev.qnf.consensus.codec.CodecException;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.store.AppliedMark;
import dev.qnf.consensus.store.EventRetention;
import dev.qnf.consensus.store.StateStore;
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

/**
 * Adapts Ratis to the fabric: decodes committed batches, lets {@link BatchApplier} decide, persists the outcome,
 * publishes the next image and tells watchers. Snapshots are store checkpoints ({@link CheckpointStorage});
 * the store itself and its replacement by a checkpoint live in {@link LiveStore}.
 */
public final class FabricStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(FabricStateMachine.class);

    private final FabricCodec codec;
    private final CheckpointStorage checkpoints = new CheckpointStorage();
    private final LiveStore live;
    private final WatchHub watches;
    private final Timer applyTimer;
    private final AppliedWaiters appliedWaiters = new AppliedWaiters();
    private final AtomicLong entriesApplied = new AtomicLong();
    private final AtomicLong entriesSkipped = new AtomicLong();
    private final AtomicLong snapshotInstalls = new AtomicLong();

    private volatile FabricImage image = FabricImage.empty();

    /**
     * @param dbDir         the live database; must lie outside the Raft storage, whose snapshot directory
     *                      Ratis replaces wholesale when a follower installs a snapshot
     * @param watchExecutor runs watch deliveries, so that a slow watcher never holds up apply
     * @param applyTimer    nullable; records the time to apply each entry
     */
    public FabricStateMachine(Path dbDir, FabricCodec codec, EventRetention retention, Executor watchExecutor,
                              int watchMaxPending, Timer applyTimer) {
        this.codec = codec;
        this.live = new LiveStore(dbDir, codec, retention);
        this.watches = new WatchHub(live, this::image, watchExecutor, watchMaxPending);
        this.applyTimer = applyTimer;
    }

    public FabricImage image() {
        return image;
    }

    public WatchHub watches() {
        return watches;
    }

    /** Completes once this replica has applied {@code index} (any kind of entry), so its image reflects it. */
    public CompletableFuture<Void> whenApplied(long index) {
        return appliedWaiters.await(index);
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
        return checkpoints;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        checkpoints.init(raftStorage);
        publish(live.open(checkpoints.newest()));
        LifeCycle lc = getLifeCycle();
        lc.transition(LifeCycle.State.STARTING);
        lc.transition(LifeCycle.State.RUNNING);
    }

    /** Makes a freshly opened store current and reports its position to Ratis. */
    private void publish(LiveStore.Loaded loaded) {
        image = loaded.image();
        AppliedMark applied = loaded.applied();
        if (applied.index() >= 0) {
            setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
            appliedWaiters.advance(applied.index());
        }
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
        checkpoints.refresh();
        CheckpointStorage.Checkpoint checkpoint = checkpoints.newest().orElseThrow(
                () -> new IOException("no checkpoint to reinitialize from in " + checkpoints.getSnapshotDir()));
        publish(live.replaceWith(checkpoint));
        snapshotInstalls.incrementAndGet();
        // The history between the old state and the checkpoint never passed through here.
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
            return builder.build().setException(e);
        }
        BatchApplier.Validation validation = BatchApplier.validate(image, proposed);
        if (validation.allRefused()) {
            return builder.build().setException(BatchRejectedException.of(codec, validation.replies()));
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
        StateStore store = live.current();
        if (index <= store.applied().index()) {
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
            store.commit(entry.getTerm(), index, outcome.changes());
        } catch (IOException e) {
            // Thrown, not returned: Ratis then stops this server instead of moving past an entry it did not store.
            throw new UncheckedIOException("cannot store entry " + index, e);
        }
        // Order matters to watches: stored, then the image, then the event (see WatchHub).
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
        StateStore store = live.current();
        AppliedMark applied = store.applied();
        if (applied.index() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        Optional<CheckpointStorage.Checkpoint> newest = checkpoints.newest();
        if (newest.isPresent() && newest.get().index() >= applied.index()) {
            return newest.get().index();
        }
        TermIndex ti = TermIndex.valueOf(applied.term(), applied.index());
        Path target = checkpoints.pathFor(ti);
        // RocksDB builds a checkpoint in "<target>.tmp" and renames it; one left by a crash would block this one.
        CheckpointStorage.deleteRecursively(target.resolveSibling(target.getFileName() + ".tmp"));
        store.checkpoint(target);
        checkpoints.refresh();
        LOG.info("took checkpoint at {}", ti);
        return applied.index();
    }

    /** Linearizable reads need only the barrier Ratis runs before calling this: the caller then reads the image. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public void close() {
        watches.close();
        live.close();
    }
}
