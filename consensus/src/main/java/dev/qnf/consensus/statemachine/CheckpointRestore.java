package dev.qnf.consensus.statemachine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a checkpoint the live database. The files are copied, not linked, because the live database appends to
 * some of them (its manifest and write-ahead log) and a checkpoint must stay as it was taken. The copy is built
 * beside the database and renamed into place; if the process dies half way, the checkpoint is still newer than
 * whatever is found at startup and the restore simply runs again.
 */
final class CheckpointRestore {
    private CheckpointRestore() {
    }

    static void replace(Path checkpoint, Path dbDir) throws IOException {
        Path staging = dbDir.resolveSibling(dbDir.getFileName() + ".restoring");
        CheckpointStorage.deleteRecursively(staging);
        Files.createDirectories(staging);
        List<Path> files;
        try (Stream<Path> list = Files.list(checkpoint)) {
            files = list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(CheckpointStorage.MD5_SUFFIX))
                    .toList();
        }
        for (Path f : files) {
            Files.copy(f, staging.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        CheckpointStorage.deleteRecursively(dbDir);
        Files.move(staging, dbDir, StandardCopyOption.ATOMIC_MOVE);
    }
}
