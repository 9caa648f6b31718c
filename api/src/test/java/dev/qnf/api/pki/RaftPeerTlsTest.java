package dev.qnf.api.pki;

import dev.qnf.api.backend.ReplicaBackend;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.Ports;
import dev.qnf.api.testing.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Raft traffic is mutual TLS between server identities. Two servers of a three-member group run; the third
 * member's place (id s3, its Raft address) is taken by impostors holding no server certificate of this cluster: a
 * server certificate of another CA, a node certificate of this CA, no TLS at all. Without mTLS the impostor would
 * simply be s3 and receive the log within a second; with it, it receives nothing, and the cluster keeps its
 * leader and term and keeps serving.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RaftPeerTlsTest {
    @TempDir
    Path dir;

    @Test
    void peersWithoutAServerCertificateOfTheClusterCannotJoinOrDisturb() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Map<String, String> peers = Map.of("s1", Ports.loopback(), "s2", Ports.loopback(), "s3", Ports.loopback());
        try (QnfServer s1 = QnfServer.start(pki.secure(server("s1", peers)));
             QnfServer s2 = QnfServer.start(pki.secure(server("s2", peers)));
             QnfClient admin = QnfClient.connect(pki.admin(), s1.apiUrl(), s2.apiUrl())) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.readiness().ready());
            admin.createNetwork(new NetworkRequest("calm", "10.77.0.0/24", null, null, null, null, null, null, null,
                    null, null));

            TestPki foreign = TestPki.create(dir.resolve("foreign"));
            impostorCannotDisturb("foreign-ca", admin, peers, ReloadingIdentity.of(foreign.server("s3")));
            impostorCannotDisturb("node-cert", admin, peers, ReloadingIdentity.of(pki.node("s3")));
            impostorCannotDisturb("plaintext", admin, peers, null);

            assertThat(admin.getNetwork("calm").cidr()).isEqualTo("10.77.0.0/24");
        }
    }

    private ServerConfig server(String id, Map<String, String> peers) {
        return ServerConfig.of(id, dir.resolve(id), peers.get(id), Ports.loopback(), peers, false);
    }

    /**
     * Runs the impostor until the cluster kept its leader and term through one run. Two servers alone hold a
     * loaded machine's spontaneous election too, which moves the term without any impostor; an impostor that got
     * through would move it in every run (it runs for several election timeouts), so three runs tell them apart.
     */
    private void impostorCannotDisturb(String name, QnfClient admin, Map<String, String> peers,
                                       ReloadingIdentity identity) throws Exception {
        for (int run = 1; ; run++) {
            ClusterView before = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(admin::cluster, c -> c.leader() != null);
            impostorLearnsNothing(name + "-" + run, peers, identity);
            ClusterView after = admin.cluster();
            if (before.leader().equals(after.leader()) && before.term() == after.term()) {
                return;
            }
            assertThat(run).as("runs of impostor %s that saw the leader or term move (last: %s, term %d -> %s, "
                    + "term %d)", name, before.leader(), before.term(), after.leader(), after.term()).isLessThan(3);
            System.out.printf("RaftPeerTlsTest: the term moved while impostor %s ran (%d -> %d): running it again%n",
                    name, before.term(), after.term());
        }
    }

    /** Runs an impostor as s3 for several election timeouts: its state stays empty (it never got an append). */
    private void impostorLearnsNothing(String name, Map<String, String> peers, ReloadingIdentity identity)
            throws Exception {
        try (ReplicaBackend impostor = ReplicaBackend.start("s3", dir.resolve(name), peers.get("s3"), peers,
                Duration.ofSeconds(5), new SimpleMeterRegistry(), identity)) {
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).until(() ->
                    impostor.read(true).get(5, TimeUnit.SECONDS).revision() == 0);
        }
    }
}
