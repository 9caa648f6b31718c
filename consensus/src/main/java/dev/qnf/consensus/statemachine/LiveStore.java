package dev.qnf.consensus.statemachine;

import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.store.AppliedMark;
import dev.qnf.consensus.store.EventRetention;
import dev.qnf.consensus.store.StateStore;
import dev.qnf.consensus.watch.EventHistory;
import dev.qnf.fabric.state.FabricImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store apply writes to, and its replacement by a checkpoint. Apply, snapshots and replacement all run on
 * Ratis's apply thread; the lock only keeps watch history readers off a store that is being swapped or closed.
 */
final class LiveStore implements EventHistory {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStore.class);

    private final Path dbDir;
    private final FabricCodec codec;
    private final EventRetention retention;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile StateStore store;

    /** What a store holds when it is (re)opened. */
    record Loaded(AppliedMark applied, FabricImage image) {
    }

    LiveStore(Path dbDir, FabricCodec codec, EventRetention retention) {
        this.dbDir = dbDir;
        this.codec = codec;
        this.retention = retention;
    }

    /**
     * Opens the store. A checkpoint newer than the store means the store was lost, or a snapshot install was
     * interrupted after Ratis had published the checkpoint; the log before it may be gone, so start from it.
     */
    Loaded open(Optional<CheckpointStorage.Checkpoint> newest) throws IOException {
        lock.writeLock().lock();
        try {
            StateStore opened = StateStore.open(dbDir, codec, retention);
            if (newest.isPresent() && newest.get().index() > opened.applied().index()) {
                LOG.info("store at {} is behind checkpoint {}; restoring it", opened.applied(), newest.get().dir());
                opened.close();
                CheckpointRestore.replace(newest.get().dir(), dbDir);
                opened = StateStore.open(dbDir, codec, retention);
            }
            return load(opened);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Replaces the store by a copy of {@code checkpoint}, after a follower received it from the leader. */
    Loaded replaceWith(CheckpointStorage.Checkpoint checkpoint) throws IOException {
        lock.writeLock().lock();
        try {
            closeStore();
            CheckpointRestore.replace(checkpoint.dir(), dbDir);
            return load(StateStore.open(dbDir, codec, retention));
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Loaded load(StateStore opened) throws IOException {
        AppliedMark applied = opened.applied();
        FabricImage image = FabricImage.of(Math.max(0, applied.index()), opened.loadResources());
        store = opened;
        LOG.info("loaded {} applied at {}", image, applied);
        return new Loaded(applied, image);
    }

    /** The open store, for the apply thread. */
    StateStore current() {
        StateStore s = store;
        if (s == null) {
            throw new IllegalStateException("state store " + dbDir + " is not open");
        }
        return s;
    }

    @Override
    public Page read(long from, long to, int limit) throws IOException {
        lock.readLock().lock();
        try {
            StateStore s = store;
            if (s == null) {
                throw new IOException("state store is closed");
            }
            return s.readEvents(from, to, limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    void close() {
        lock.writeLock().lock();
        try {
            closeStore();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void closeStore() {
        StateStore s = store;
        store = null;
        if (s != null) {
            s.close();
        }
    }
}
