package dev.qnf.api.audit;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AuditEntryView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.pki.Role;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail and node revocation on a real three-server cluster (Ratis, RocksDB) with mTLS everywhere: every
 * accepted write is recorded with the caller's SPIFFE ID, its kind, object and revision; refused writes are not;
 * a revoked node is refused by every server on its next request.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuditAndRevocationTest {
    private static final String ADMIN = "spiffe://" + TestPki.TRUST_DOMAIN + "/user/admin";

    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready();

    @Test
    void acceptedWritesAreRecordedWithWhoWhatAndRevisionRefusedOnesAreNot() {
        Instant before = Instant.now().minusSeconds(1);
        NetworkView net = cluster.admin().createNetwork(network("audited", "10.91.0.0/24")).value();
        NodeView node;
        try (QnfClient hostA = QnfClient.connect(cluster.pki().node("audit-a"), cluster.servers().get(1).apiUrl());
             QnfClient viewer = QnfClient.connect(cluster.pki().user("vera", Role.VIEWER),
                     cluster.servers().get(2).apiUrl())) {
            node = hostA.registerNode("audit-a", new NodeRequest(null, List.of("10.1.1.1"), null, null)).value();
            assertDenied(() -> viewer.createNetwork(network("refused-by-role", "10.92.0.0/24")));
            assertDenied(() -> hostA.createNetwork(network("refused-node", "10.93.0.0/24")));
            // the viewer reads the trail (admin, operator and viewer may; nodes may not)
            assertThat(viewer.audit(null, null).entries()).isNotEmpty();
            assertDenied(() -> hostA.audit(null, null));
        }
        assertThatThrownBy(() -> cluster.admin().deleteNetwork("no-such-network"))   // refused by the state machine
                .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));

        List<AuditEntryView> all = cluster.admin().audit(null, null).entries();
        assertThat(all).filteredOn(e -> e.object().equals("network/audited")).singleElement().satisfies(e -> {
            assertThat(e.who()).isEqualTo(ADMIN);
            assertThat(e.what()).isEqualTo("create-network");
            assertThat(e.revision()).isEqualTo(net.revision());
            assertThat(Instant.parse(e.time())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        });
        assertThat(all).filteredOn(e -> e.object().equals("node/audit-a")).singleElement().satisfies(e -> {
            assertThat(e.who()).isEqualTo("spiffe://" + TestPki.TRUST_DOMAIN + "/node/audit-a");
            assertThat(e.what()).isEqualTo("register-node");
            assertThat(e.revision()).isEqualTo(node.revision());
        });
        assertThat(all).extracting(AuditEntryView::object)
                .doesNotContain("network/refused-by-role", "network/refused-node", "network/no-such-network");
        assertThat(all).extracting(AuditEntryView::seq).isSorted().doesNotHaveDuplicates();

        assertThat(cluster.admin().audit(null, "audit-a").entries()).extracting(AuditEntryView::who)
                .containsOnly("spiffe://" + TestPki.TRUST_DOMAIN + "/node/audit-a");
        assertThat(cluster.admin().audit(Long.toString(node.revision()), null).entries())
                .allSatisfy(e -> assertThat(e.revision()).isGreaterThanOrEqualTo(node.revision()))
                .extracting(AuditEntryView::object).contains("node/audit-a").doesNotContain("network/audited");
        assertThatThrownBy(() -> cluster.admin().audit("yesterday", null))
                .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
    }

    @Test
    void aRevokedNodeIsRefusedByEveryServerAndTheRevocationIsAudited() {
        List<QnfClient> perServer = new ArrayList<>();
        try {
            for (QnfServer s : cluster.servers()) {
                perServer.add(QnfClient.connect(cluster.pki().node("doomed"), s.apiUrl()));
            }
            perServer.get(0).registerNode("doomed", new NodeRequest(null, List.of("10.1.1.9"), null, null));
            for (QnfClient c : perServer) {   // a valid certificate works on every server, connections open
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> c.getNode("doomed").name().equals("doomed"));
            }

            assertDenied(() -> perServer.get(1).revokeNode("doomed", null));   // a node cannot revoke (itself or others)
            assertThat(cluster.admin().revokeNode("doomed", "1234").created()).isTrue();
            assertThat(cluster.admin().revokeNode("doomed", null).created()).as("idempotent").isFalse();

            for (QnfClient c : perServer) {   // each server refuses once it has applied the revocation
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThatThrownBy(() -> c.getNode("doomed")).isInstanceOfSatisfying(QnfApiException.class,
                                e -> {
                                    assertThat(e.httpStatus()).isEqualTo(403);
                                    assertThat(e.getMessage()).contains("doomed is revoked");
                                }));
                assertDenied(() -> c.registerNode("doomed", new NodeRequest(null, List.of("10.1.1.9"), null, null)));
            }
            try (QnfClient fresh = QnfClient.connect(cluster.pki().node("doomed"), cluster.servers().get(2).apiUrl())) {
                assertDenied(fresh::listNodes);   // a new connection with a newly issued certificate too
            }
            assertThat(cluster.admin().audit(null, "admin").entries()).filteredOn(e -> e.what().equals("revoke-node"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.object()).isEqualTo("revocation/doomed");
                        assertThat(e.who()).isEqualTo(ADMIN);
                    });
        } finally {
            perServer.forEach(QnfClient::close);
        }
    }

    private static NetworkRequest network(String name, String cidr) {
        return new NetworkRequest(name, cidr, null, null, null, null, null, null, null, null, null);
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("PERMISSION_DENIED");
        });
    }
}
