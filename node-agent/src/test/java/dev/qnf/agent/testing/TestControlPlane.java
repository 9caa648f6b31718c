package dev.qnf.agent.testing;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node control plane (Ratis + RocksDB) on loopback for agent tests; it can be stopped and started again
 * on the same data dir and ports, to test fail static.
 */
public final class TestControlPlane implements AutoCloseable {
    private final Path dir;
    private final int raftPort;
    private final int apiPort;
    private final QnfClient client;
    private QnfServer server;

    private TestControlPlane(Path dir) {
        this.dir = dir;
        this.raftPort = freePort();
        this.apiPort = freePort();
        this.client = QnfClient.connect(url());
    }

    public static TestControlPlane start(Path dir) throws Exception {
        TestControlPlane cp = new TestControlPlane(dir);
        cp.startServer();
        return cp;
    }

    public String url() {
        return "http://127.0.0.1:" + apiPort;
    }

    public QnfClient client() {
        return client;
    }

    /** Creates a network (dual stack when {@code cidr6} is not null). */
    public void network(String name, String cidr, String cidr6, boolean nat) {
        client.createNetwork(new NetworkRequest(name, cidr, cidr6, null, null, null, nat, null, null, null, null));
    }

    public synchronized void startServer() throws Exception {
        server = QnfServer.start(ServerConfig.of("cp", Files.createDirectories(dir), "127.0.0.1:" + raftPort,
                "127.0.0.1:" + apiPort, Map.of(), false));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.readiness().ready());
        server.announced().get(60, TimeUnit.SECONDS);
    }

    public synchronized void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer();
        client.close();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
