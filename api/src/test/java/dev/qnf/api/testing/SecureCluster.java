package dev.qnf.api.testing;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import org.awaitility.Awaitility;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code n} real servers (Ratis + RocksDB in {@code dir}) forming one group from the start, API and Raft over mTLS
 * with identities from a {@link TestPki}; {@code customize} adjusts each server's config (a join port, a CA):
 * <pre>{@code
 * SecureCluster cluster = SecureCluster.start(pki, dir, 3, c -> c.withCa(caCopy));
 * QnfClient admin = QnfClient.connect(pki.admin(), cluster.urls());
 * }</pre>
 * Started in parallel (a member waits for its peers); not yet ready when this returns.
 */
public final class SecureCluster implements AutoCloseable {
    private final List<QnfServer> servers;
    /** An admin client of all servers, once {@link #startReady} made one; closed with the cluster. */
    private QnfClient admin;

    private SecureCluster(List<QnfServer> servers) {
        this.servers = new java.util.concurrent.CopyOnWriteArrayList<>(servers);
    }

    /** {@link #start}, then waits (up to a minute) until an admin client of all servers finds it ready. */
    public static SecureCluster startReady(TestPki pki, Path dir, int n, UnaryOperator<ServerConfig> customize) {
        SecureCluster cluster = start(pki, dir, n, customize);
        cluster.admin = QnfClient.connect(pki.admin(), cluster.urls());
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> cluster.admin.readiness().ready());
        return cluster;
    }

    /** The admin client {@link #startReady} made (null after {@link #start}). */
    public QnfClient admin() {
        return admin;
    }

    public static SecureCluster start(TestPki pki, Path dir, int n, UnaryOperator<ServerConfig> customize) {
        Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            peers.put("s" + i, Ports.loopback());
        }
        List<ServerConfig> configs = new ArrayList<>();
        peers.forEach((id, raft) -> configs.add(customize.apply(pki.secure(ServerConfig.of(id, dir.resolve(id), raft,
                Ports.loopback(), peers, false)))));
        List<QnfServer> started = new ArrayList<>();
        configs.parallelStream().map(c -> {
            try {
                return QnfServer.start(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).forEachOrdered(started::add);
        return new SecureCluster(started);
    }

    public List<QnfServer> servers() {
        return List.copyOf(servers);
    }

    /** Stops server {@code index} and starts it again with the same config, from what its data directory holds. */
    public QnfServer restart(int index) {
        QnfServer old = servers.get(index);
        old.close();
        try {
            QnfServer restarted = QnfServer.start(old.config());
            servers.set(index, restarted);
            return restarted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The servers' API URLs, in order. */
    public String[] urls() {
        return servers.stream().map(QnfServer::apiUrl).toArray(String[]::new);
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        servers.forEach(QnfServer::close);
    }
}
