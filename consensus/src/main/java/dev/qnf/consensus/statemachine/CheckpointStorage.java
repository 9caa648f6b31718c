package dev.qnf.consensus.statemachine;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots are RocksDB checkpoints in {@code <sm dir>/snapshots/checkpoint_<term>_<index>/}.
 * Ratis ships the files of the newest one to lagging followers, relative to {@link #getSnapshotDir()}; a follower
 * receives them in a temporary directory that then replaces the whole snapshot directory. That is why the live
 * database lives elsewhere and why a received checkpoint also holds Ratis's {@code .md5} files, which are skipped.
 */
final class CheckpointStorage implements StateMachineStorage {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStorage.class);
    private static final Pattern NAME = Pattern.compile("checkpoint_(\\d+)_(\\d+)");
    static final String MD5_SUFFIX = ".md5";
    /** The newest is what followers get; the one before stays readable while it may still be in transfer. */
    private static final int RETAINED = 2;

    private volatile File snapshotDir;
    private volatile SnapshotInfo latest;

    /** One checkpoint directory and the log position it captures. */
    record Checkpoint(Path dir, TermIndex termIndex) {
        long index() {
            return termIndex.getIndex();
        }
    }

    @Override
    public void init(RaftStorage raftStorage) throws IOException {
        File dir = new File(raftStorage.getStorageDir().getStateMachineDir(), "snapshots");
        Files.createDirectories(dir.toPath());
        snapshotDir = dir;
        refresh();
    }

    @Override
    public File getSnapshotDir() {
        return snapshotDir;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    @Override
    public void format() {
        // Nothing to prepare: checkpoint directories are created when taken.
    }

    /** Re-reads the directory; needed after a checkpoint is taken and after Ratis swapped the directory. */
    void refresh() throws IOException {
        Optional<Checkpoint> newest = newest();
        latest = newest.isEmpty() ? null : new FileListSnapshotInfo(files(newest.get().dir()), newest.get().termIndex());
    }

    Optional<Checkpoint> newest() throws IOException {
        return checkpoints().stream().max(Comparator.comparingLong(Checkpoint::index));
    }

    Path pathFor(TermIndex ti) {
        return snapshotDir.toPath().resolve("checkpoint_" + ti.getTerm() + "_" + ti.getIndex());
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        List<Checkpoint> all = checkpoints();
        all.sort(Comparator.comparingLong(Checkpoint::index).reversed());
        for (Checkpoint old : all.subList(Math.min(RETAINED, all.size()), all.size())) {
            LOG.info("deleting old checkpoint {}", old.dir());
            deleteRecursively(old.dir());
        }
    }

    private List<Checkpoint> checkpoints() throws IOException {
        List<Checkpoint> out = new ArrayList<>();
        File dir = snapshotDir;
        if (dir == null || !dir.isDirectory()) {
            return out;
        }
        try (Stream<Path> list = Files.list(dir.toPath())) {
            list.filter(Files::isDirectory).forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Checkpoint(p, TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))));
                }
            });
        }
        return out;
    }

    /** Absolute paths, as Ratis relativizes them against the snapshot directory when sending. */
    private static List<FileInfo> files(Path checkpoint) throws IOException {
        try (Stream<Path> list = Files.list(checkpoint)) {
            return list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(MD5_SUFFIX))
                    .sorted()
                    .map(p -> new FileInfo(p.toAbsolutePath(), null))
                    .toList();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
