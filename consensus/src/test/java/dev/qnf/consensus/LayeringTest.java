package dev.qnf.consensus;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package rules, checked on the sources: deterministic apply and the watch machinery know nothing of Ratis or
 * RocksDB, only the wiring package depends on Ratis's server, and no inner package reaches back to the facade.
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/qnf/consensus");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    @ParameterizedTest(name = "{0} imports nothing from {1}")
    @CsvSource({
            "apply, org.apache.ratis|org.rocksdb|com.fasterxml|io.micrometer|dev.qnf.consensus.(?!apply)",
            "watch, org.apache.ratis|org.rocksdb|com.fasterxml|io.micrometer|dev.qnf.consensus.(?!watch)",
            "codec, org.apache.ratis|org.rocksdb",
            "store, org.apache.ratis",
            "batch, org.apache.ratis|org.rocksdb",
            "error, org.apache.ratis|org.rocksdb|dev.qnf",
    })
    void packageStaysInItsLane(String pkg, String forbidden) throws IOException {
        Pattern bad = Pattern.compile("^(" + forbidden + ")");
        assertThat(importsOf(SOURCES.resolve(pkg))).noneMatch(i -> bad.matcher(i).find());
    }

    @ParameterizedTest(name = "{0} does not depend on the facade package")
    @CsvSource({"apply", "watch", "codec", "store", "batch", "raft", "statemachine", "error"})
    void innerPackagesDoNotReachBackToTheFacade(String pkg) throws IOException {
        assertThat(importsOf(SOURCES.resolve(pkg))).doesNotContain("dev.qnf.consensus");
    }

    /** The packages (not classes) imported by the sources of one package. */
    private static List<String> importsOf(Path dir) throws IOException {
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    return m.results().map(r -> r.group(2)).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
