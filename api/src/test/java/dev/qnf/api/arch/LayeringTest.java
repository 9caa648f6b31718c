package dev.qnf.api.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package rules the build enforces: the client, its wire model and the PKI it shares with servers stay free of the
 * server's stack (so the CLI and agents stay light), and only the backend adapter may know the consensus module.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/dev/qnf/api");

    @Test
    void clientAndJsonImportNoServerStack() throws IOException {
        for (String pkg : List.of("client", "json")) {
            assertThat(importsIn(MAIN.resolve(pkg))).as(pkg).noneMatch(i -> i.startsWith("com.linecorp.")
                    || i.startsWith("io.grpc.") || i.startsWith("dev.qnf.consensus.") || i.startsWith("dev.qnf.fabric.")
                    || i.startsWith("io.micrometer.") || (i.startsWith("dev.qnf.api.")
                    && !i.startsWith("dev.qnf.api.json.") && !i.startsWith("dev.qnf.api.client.")
                    && !i.startsWith("dev.qnf.api.pki.")));
        }
    }

    @Test
    void pkiIsSharedByClientsAndServersSoImportsNoServerStack() throws IOException {
        assertThat(importsIn(MAIN.resolve("pki"))).noneMatch(i -> i.startsWith("com.linecorp.")
                || i.startsWith("io.grpc.") || i.startsWith("dev.qnf.consensus.") || i.startsWith("io.micrometer.")
                || (i.startsWith("dev.qnf.api.") && !i.startsWith("dev.qnf.api.pki.")));
    }

    @Test
    void domainTranslationsAreSharedWithClientsSoImportNoServerStack() throws IOException {
        for (String pkg : List.of("policy", "node")) {
            assertThat(importsIn(MAIN.resolve(pkg))).as(pkg).noneMatch(i -> i.startsWith("com.linecorp.")
                    || i.startsWith("io.grpc.") || i.startsWith("dev.qnf.consensus.") || i.startsWith("io.micrometer.")
                    || (i.startsWith("dev.qnf.api.") && !i.startsWith("dev.qnf.api.json.")));
        }
    }

    @Test
    void onlyTheBackendAdapterKnowsConsensus() throws IOException {
        try (Stream<Path> pkgs = Files.list(MAIN)) {
            for (Path pkg : pkgs.filter(Files::isDirectory).toList()) {
                if (pkg.getFileName().toString().equals("backend")) {
                    continue;
                }
                assertThat(importsIn(pkg)).as(pkg.toString()).noneMatch(i -> i.startsWith("dev.qnf.consensus."));
            }
        }
    }

    @Test
    void serviceLayerKnowsNoTransport() throws IOException {
        assertThat(importsIn(MAIN.resolve("service"))).noneMatch(i -> i.startsWith("com.linecorp.")
                || i.startsWith("io.grpc.") || i.startsWith("dev.qnf.api.v1.") || i.startsWith("dev.qnf.api.json."));
    }

    private static List<String> importsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(l -> l.startsWith("import ")).map(l -> l.replaceFirst("import (static )?", "")).toList();
        }
    }
}
