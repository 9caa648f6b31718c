package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.testing.FreePorts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** One QNF server over mTLS on free loopback ports, what the CLI tests run their {@code qnf} commands against. */
final class TlsServer {
    private TlsServer() {
    }

    /** Server {@code id} alone, data in {@code dir/data}, its certificate from {@code pki} in {@code dir/server-tls}. */
    static ServerConfig config(String id, Path dir, ClusterPki pki) {
        int base = FreePorts.base(2);
        return ServerConfig.of(id, dir.resolve("data"), "127.0.0.1:" + (base + 1), "127.0.0.1:" + (base + 2),
                Map.of(), false).withTls(pki.issueServer(id, dir.resolve("server-tls"), List.of("127.0.0.1", "localhost")));
    }

    /** Waits until {@code server} answers ready to {@code admin} and has announced itself as a member. */
    static void awaitReady(QnfServer server, TlsFiles admin) throws Exception {
        try (QnfClient qnf = QnfClient.connect(admin, server.apiUrl())) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> qnf.readiness().ready());
        }
        server.announced().get(60, TimeUnit.SECONDS);
    }
}
