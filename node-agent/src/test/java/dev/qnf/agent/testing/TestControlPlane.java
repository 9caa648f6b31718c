package dev.qnf.agent.testing;

import dev.qnf.testing.FreePorts;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /** The cluster CA of this control plane: the server, the test's admin client and every agent get identities. */
    private final ClusterPki pki;

    private TestControlPlane(Path dir) {
        this.dir = dir;
        this.raftPort = FreePorts.one();
        this.apiPort = FreePorts.one();
        this.pki = ClusterPki.create(dir.resolve("ca"), "agent-test.qnf");
        this.client = QnfClient.connect(pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")), url());
    }

    /** A node identity for an agent named {@code node} (mTLS towards this control plane). */
    public TlsFiles nodeTls(String node) {
        return pki.issueNode(node, dir.resolve("node-" + node));
    }

    /** A node identity that expired a day ago (issued two days ago for one). */
    public TlsFiles expiredNodeTls(String node) {
        java.time.Clock twoDaysAgo = java.time.Clock.fixed(java.time.Instant.now().minus(Duration.ofDays(2)),
                java.time.ZoneOffset.UTC);
        return pki.withClock(twoDaysAgo).issue(SpiffeId.node(pki.trustDomain(), node), null, List.of(),
                Duration.ofDays(1), dir.resolve("node-" + node));
    }

    /** A node identity that expires after {@code lifetime}. */
    public TlsFiles nodeTls(String node, Duration lifetime) {
        return pki.issue(SpiffeId.node(pki.trustDomain(), node), null, List.of(), lifetime,
                dir.resolve("node-" + node));
    }

    public static TestControlPlane start(Path dir) throws Exception {
        TestControlPlane cp = new TestControlPlane(dir);
        cp.startServer();
        return cp;
    }

    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    public QnfClient client() {
        return client;
    }

    /** Creates a network (dual stack when {@code cidr6} is not null). */
    public void network(String name, String cidr, String cidr6, boolean nat) {
        client.createNetwork(new NetworkRequest(name, cidr, cidr6, null, null, null, nat, null, null, null, null));
        // open: tests of plumbing are not about policy (networks deny by default); policy tests call policyDefault
        policyDefault(name, "allow");
    }

    /** Sets a network's policy default ("allow" or "deny"). */
    public void policyDefault(String network, String verdict) {
        client.applyPolicies(new PolicyFile(List.of(), Map.of(network, verdict), List.of()));
    }

    public synchronized void startServer() throws Exception {
        server = QnfServer.start(ServerConfig.of("cp", Files.createDirectories(dir), "127.0.0.1:" + raftPort,
                "127.0.0.1:" + apiPort, Map.of(), false).withTls(
                pki.issueServer("cp", dir.resolve("server"), List.of("127.0.0.1"))));
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

}
