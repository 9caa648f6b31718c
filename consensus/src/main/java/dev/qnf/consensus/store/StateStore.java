package dev.qnf.consensus.store;

import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.watch.EventHistory;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.state.Change;
import org.rocksdb.Checkpoint;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The applied fabric in RocksDB: resources, per-revision events for watches, and the applied mark.
 * Each log entry is one atomic {@link WriteBatch}, so after a crash the store holds every effect of an entry or
 * none, together with the mark saying which. Not thread-safe for {@link #close}: the owner must ensure no read
 * is in flight.
 */
public final class StateStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final FabricCodec codec;
    private final EventRetention retention;
    private final Options options;
    /**
     * No fsync per entry: the Raft log is the durable record. RocksDB's WAL still reaches the OS on every write,
     * so a process crash loses nothing; after an OS crash the store may lag, and on restart Ratis replays the
     * log from the last snapshot while apply skips what the store already holds. The log is only purged up to a
     * checkpoint, and a checkpoint flushes and syncs what it captures, so the entries the store may have lost are
     * always still in the log.
     */
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private volatile AppliedMark applied;
    private volatile long compactedBelow;

    private StateStore(Path dir, FabricCodec codec, EventRetention retention) throws IOException {
        this.dir = dir;
        this.codec = codec;
        this.retention = retention;
        Files.createDirectories(dir);
        this.options = new Options().setCreateIfMissing(true).setKeepLogFileNum(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
        this.writeOptions = new WriteOptions().setSync(false);
        try {
            this.db = RocksDB.open(options, dir.toString());
            byte[] mark = db.get(Keys.APPLIED);
            this.applied = mark == null ? AppliedMark.NONE : AppliedMark.fromBytes(mark);
            byte[] floor = db.get(Keys.COMPACTED_BELOW);
            this.compactedBelow = floor == null ? 0 : Keys.longOf(floor);
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            throw new IOException("cannot open state store at " + dir + ": " + e.getMessage(), e);
        }
    }

    public static StateStore open(Path dir, FabricCodec codec, EventRetention retention) throws IOException {
        return new StateStore(dir, codec, retention);
    }

    public Path dir() {
        return dir;
    }

    public AppliedMark applied() {
        return applied;
    }

    public long compactedBelow() {
        return compactedBelow;
    }

    /** Every stored resource, for building the image at startup. */
    public List<Resource> loadResources() throws IOException {
        List<Resource> all = new ArrayList<>();
        try (Slice upper = new Slice(Keys.RESOURCE_END);
             ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(ro)) {
            for (it.seek(Keys.RESOURCE_PREFIX); it.isValid(); it.next()) {
                all.add(codec.decodeResource(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IOException("cannot load resources from " + dir + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** Writes every effect of one log entry, its events and the new applied mark in one atomic batch. */
    public void commit(long term, long index, List<Change> changes) throws IOException {
        long floor = retention.floorAfter(compactedBelow, index);
        AppliedMark mark = new AppliedMark(term, index);
        try (WriteBatch batch = new WriteBatch()) {
            for (Change c : changes) {
                if (c instanceof Change.Put put) {
                    batch.put(Keys.resource(put.key()), codec.encodeResource(put.resource()));
                } else {
                    batch.delete(Keys.resource(c.key()));
                }
            }
            if (!changes.isEmpty()) {
                batch.put(Keys.event(index), codec.encodeChanges(changes));
            }
            if (floor != compactedBelow) {
                batch.deleteRange(Keys.event(Math.max(0, compactedBelow)), Keys.event(floor));
                batch.put(Keys.COMPACTED_BELOW, Keys.longValue(floor));
            }
            batch.put(Keys.APPLIED, mark.toBytes());
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IOException("cannot commit entry " + index + " to " + dir + ": " + e.getMessage(), e);
        }
        applied = mark;
        compactedBelow = floor;
    }

    /** A consistent page of history, read from one RocksDB snapshot so compaction cannot tear it. */
    public EventHistory.Page readEvents(long from, long to, int limit) throws IOException {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
             RocksIterator it = db.newIterator(ro)) {
            byte[] floorBytes = db.get(ro, Keys.COMPACTED_BELOW);
            long floor = floorBytes == null ? 0 : Keys.longOf(floorBytes);
            if (from < floor) {
                return EventHistory.Page.compactedPage();
            }
            List<EventHistory.Revision> out = new ArrayList<>();
            for (it.seek(Keys.event(Math.max(0, from))); it.isValid() && out.size() < limit; it.next()) {
                byte[] key = it.key();
                if (!Keys.isEvent(key)) {
                    break;
                }
                long revision = Keys.revisionOf(key);
                if (revision > to) {
                    break;
                }
                out.add(new EventHistory.Revision(revision, codec.decodeChanges(it.value())));
            }
            it.status();
            return new EventHistory.Page(false, out);
        } catch (RocksDBException e) {
            throw new IOException("cannot read events from " + dir + ": " + e.getMessage(), e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /** A consistent copy of the store in {@code target} (which must not exist), hard-linking its table files. */
    public void checkpoint(Path target) throws IOException {
        try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new IOException("cannot checkpoint " + dir + " to " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.closeE();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot close state store " + dir + ": " + e.getMessage(), e);
        } finally {
            writeOptions.close();
            options.close();
        }
    }
}
