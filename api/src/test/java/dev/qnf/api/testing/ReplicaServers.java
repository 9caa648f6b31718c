package dev.qnf.api.testing;

import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Real servers over real Raft replicas (Ratis + RocksDB) on loopback, in temporary directories. */
public final class ReplicaServers {
    private ReplicaServers() {
    }

    /** One server; {@link #close()} stops it and deletes its data. */
    public static final class Running implements Target {
        private final ServerConfig config;
        private QnfServer server;

        Running(ServerConfig config) {
            this.config = config;
        }

        Running start() {
            try {
                server = QnfServer.start(config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public ServerConfig config() {
            return config;
        }

        @Override
        public QnfServer server() {
            return server;
        }

        @Override
        public String url() {
            return config.apiUrl();
        }

        public boolean running() {
            return server != null;
        }

        /** Starts a stopped server again from its data directory. */
        public Running restart() {
            if (server != null) {
                throw new IllegalStateException(config.id() + " is running");
            }
            return start();
        }

        /** Stops the server but keeps its data, as a crash would. */
        public void stop() {
            if (server != null) {
                server.close();
                server = null;
            }
        }

        @Override
        public void close() {
            stop();
            TempDirs.delete(config.dataDir());
        }
    }

    /** A single-member cluster, ready (leader elected, member announced) when this returns. */
    public static Running single(String id) {
        Path dir = tempDir(id);
        Running r = new Running(ServerConfigs.alone(id, dir)).start();
        awaitReady(List.of(r));
        r.server().announced().join();
        return r;
    }

    /** A server started in join mode: it serves its API at once and waits to be added to a group. */
    public static Running joining(String id) {
        return new Running(ServerConfigs.joining(id, tempDir(id))).start();
    }

    /** {@code n} servers that form one group from the start. */
    public static List<Running> cluster(String prefix, int n) {
        return cluster(prefix, n, ServerConfig.DEFAULT_REQUEST_TIMEOUT);
    }

    /** {@code n} servers that form one group from the start, answering 503 after {@code requestTimeout}. */
    public static List<Running> cluster(String prefix, int n, Duration requestTimeout) {
        Map<String, String> peers = new LinkedHashMap<>();
        Map<String, String> apis = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            peers.put(prefix + i, Ports.loopback());
            apis.put(prefix + i, Ports.loopback());
        }
        List<Running> servers = new ArrayList<>();
        peers.forEach((id, raft) -> servers.add(new Running(new ServerConfig(id, tempDir(id), raft, apis.get(id),
                peers, false, requestTimeout, ServerConfig.DEFAULT_MAX_APPLY_LAG))));
        servers.parallelStream().forEach(Running::start);
        awaitReady(servers);
        return servers;
    }

    public static void awaitReady(List<Running> servers) {
        for (Running r : servers) {
            Http http = new Http(r.url());
            // a restarted server may first fail a request that reuses a connection to its predecessor: ask again
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> http.get("/readyz").status() == 200);
        }
    }

    private static Path tempDir(String id) {
        return TempDirs.create("qnf-api-" + id + "-");
    }
}
