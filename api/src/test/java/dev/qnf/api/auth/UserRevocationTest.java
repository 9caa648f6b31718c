package dev.qnf.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.client.CertificateRenewer;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AuditEntryView;
import dev.qnf.api.json.RevocationView;
import dev.qnf.api.json.UserRevocationView;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.testing.NdjsonReader;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Revoking people's certificates and lifting revocations on a real three-server cluster (Ratis, RocksDB, API and
 * Raft over mTLS, every server holding the CA so each can renew): a user revoked through s1 is refused by every
 * server once it has applied the revocation, on connections it already holds, its open watch ends, it cannot renew;
 * only admins revoke and un-revoke, an admin cannot revoke itself; an un-revoke lets in only certificates issued after
 * it. Each server is waited for (Awaitility) before its refusal is asserted; "nothing changed" is checked on the
 * objects and the audit trail, never on the cluster revision.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UserRevocationTest {
    private static final String ADMIN = "spiffe://" + TestPki.TRUST_DOMAIN + "/user/admin";
    private static final Duration APPLIED = Duration.ofSeconds(20);

    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready((c, config) -> config.withCa(c.caCopy(config)));

    @Test
    void aRevokedUserIsRefusedByEveryServerOnItsOpenConnectionsItsWatchEndsAndItCannotRenew() throws Exception {
        TlsFiles olga = cluster.pki().user("olga", Role.OPERATOR);
        List<QnfClient> perServer = new ArrayList<>();
        try (QnfClient viewer = QnfClient.connect(cluster.pki().user("vic", Role.VIEWER), cluster.urls()[1])) {
            for (String url : cluster.urls()) {
                QnfClient c = QnfClient.connect(olga, url);
                perServer.add(c);
                assertThat(c.listNetworks(true).networks()).isNotNull();   // the connection is open and accepted
            }
            try (NdjsonReader watch = new NdjsonReader(https(olga), cluster.urls()[2] + "/v1/watch")) {
                assertThat(watch.status()).as("the watch is open, its caller accepted").isEqualTo(200);

                // neither a viewer nor an operator may revoke or un-revoke; bad names are 400s; nothing is recorded
                assertStatus(() -> viewer.revokeUser("olga", null), 403, "PERMISSION_DENIED");
                assertStatus(() -> perServer.get(0).revokeUser("vic", null), 403, "PERMISSION_DENIED");
                assertStatus(() -> perServer.get(1).unrevokeUser("vic"), 403, "PERMISSION_DENIED");
                assertStatus(() -> perServer.get(1).unrevokeNode("some-node"), 403, "PERMISSION_DENIED");
                assertStatus(() -> cluster.admin().revokeUser("Olga", null), 400, "INVALID_ARGUMENT");
                assertStatus(() -> cluster.admin().revokeUser("o".repeat(300), null), 400, "INVALID_ARGUMENT");
                assertThat(cluster.admin().audit(null, null).entries()).extracting(AuditEntryView::object)
                        .doesNotContain("user-revocation/olga", "user-revocation/vic");

                Instant before = Instant.now();
                var revoked = cluster.admin().revokeUser("olga", "abc1");   // through s1 (the admin's server)
                assertThat(revoked.created()).isTrue();
                assertThat(revoked.value()).satisfies(v -> {
                    assertThat(v.user()).isEqualTo("olga");
                    assertThat(v.serial()).isEqualTo("abc1");
                    assertThat(v.lifted()).isNull();
                });
                assertThat(cluster.admin().revokeUser("olga", null).created()).as("idempotent").isFalse();

                for (QnfClient c : perServer) {   // each server refuses once it has applied it, on the open connection
                    await().atMost(APPLIED).untilAsserted(() -> assertStatus(() -> c.listNetworks(true), 403,
                            "PERMISSION_DENIED", "user olga is revoked"));
                }
                List<String> took = new ArrayList<>();
                watch.ended().get(APPLIED.toMillis(), TimeUnit.MILLISECONDS);   // its recheck runs every second
                took.add("REST watch on s3 " + Duration.between(before, Instant.now()).toMillis() + " ms");
                List<JsonNode> last = watch.drain();
                JsonNode error = last.get(last.size() - 1);
                assertThat(error.get("type").asText()).isEqualTo("ERROR");
                assertThat(error.get("error").get("code").asText()).isEqualTo("PERMISSION_DENIED");
                assertThat(error.get("error").get("message").asText()).contains("user olga is revoked");
                System.out.println("revoked user's open watch ended after: " + took);

                for (int i = 0; i < 3; i++) {   // no renewal, on any server (each holds the CA)
                    try (QnfClient fresh = QnfClient.connect(olga, cluster.urls()[i])) {
                        assertStatus(() -> CertificateRenewer.renew(fresh, olga), 403, "PERMISSION_DENIED", "revoked");
                        assertStatus(fresh::listNodes, 403, "PERMISSION_DENIED", "revoked");   // a new connection
                    }
                }
                assertThat(viewer.listNetworks(true).networks()).as("other users are untouched").isNotNull();
                assertThat(cluster.admin().audit(null, "admin").entries())
                        .filteredOn(e -> e.object().equals("user-revocation/olga")).singleElement().satisfies(e -> {
                            assertThat(e.what()).isEqualTo("revoke-user");
                            assertThat(e.who()).isEqualTo(ADMIN);
                        });
            }
        } finally {
            perServer.forEach(QnfClient::close);
        }
    }

    @Test
    void anAdminCannotRevokeTheIdentityItCallsWith() {
        assertStatus(() -> cluster.admin().revokeUser("admin", null), 409, "FAILED_PRECONDITION", "may not revoke itself");
        // nothing changed: the admin still works on every server, no record, no audit entry
        for (String url : cluster.urls()) {
            try (QnfClient admin = QnfClient.connect(cluster.pki().admin(), url)) {
                assertThat(admin.listNetworks(true).networks()).isNotNull();
            }
        }
        assertStatus(() -> cluster.admin().unrevokeUser("admin"), 404, "NOT_FOUND", "user admin is not revoked");
        assertThat(cluster.admin().audit(null, null).entries()).extracting(AuditEntryView::object)
                .doesNotContain("user-revocation/admin");
        // another admin may (and the first one, calling as itself, is then refused)
        try (QnfClient root = QnfClient.connect(cluster.pki().user("root", Role.ADMIN), cluster.urls()[2])) {
            TlsFiles second = cluster.pki().user("admin2", Role.ADMIN);
            try (QnfClient admin2 = QnfClient.connect(second, cluster.urls()[2])) {
                assertThat(root.revokeUser("admin2", null).created()).isTrue();
                await().atMost(APPLIED).untilAsserted(() -> assertStatus(admin2::listNodes, 403, "PERMISSION_DENIED"));
                assertThat(root.unrevokeUser("admin2").lifted()).isNotNull();
            }
        }
    }

    @Test
    void anUnrevokeLetsInOnlyCertificatesIssuedAfterIt() {
        TlsFiles old = cluster.pki().user("uma", Role.VIEWER);
        TlsFiles oldNode = cluster.pki().node("phoenix");
        cluster.admin().revokeUser("uma", null);
        cluster.admin().revokeNode("phoenix", null);
        for (String url : cluster.urls()) {
            try (QnfClient user = QnfClient.connect(old, url); QnfClient node = QnfClient.connect(oldNode, url)) {
                await().atMost(APPLIED).untilAsserted(() -> assertStatus(user::listNodes, 403, "PERMISSION_DENIED"));
                await().atMost(APPLIED).untilAsserted(() -> assertStatus(node::listNodes, 403, "PERMISSION_DENIED"));
            }
        }
        assertStatus(() -> cluster.admin().unrevokeUser("never-revoked"), 404, "NOT_FOUND");

        UserRevocationView lifted = cluster.admin().unrevokeUser("uma");
        assertThat(lifted.lifted()).isNotNull();
        assertThat(cluster.admin().unrevokeUser("uma").lifted()).as("idempotent: the first lift stays")
                .isEqualTo(lifted.lifted());
        RevocationView liftedNode = cluster.admin().unrevokeNode("phoenix");
        assertThat(liftedNode.lifted()).isNotNull();

        // certificates carry whole seconds: one issued in the second of the lift is still refused
        Instant liftSecond = Instant.parse(lifted.lifted()).plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant nodeLiftSecond = Instant.parse(liftedNode.lifted()).plusSeconds(1)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(liftSecond.plusMillis(50))
                && Instant.now().isAfter(nodeLiftSecond.plusMillis(50)));
        TlsFiles renewed = cluster.pki().pki().issueUser("uma", Role.VIEWER, CertificateAuthority.DEFAULT_LEAF_LIFETIME,
                cluster.dir().resolve("user-uma-after-lift"));
        TlsFiles rejoined = cluster.pki().pki().issueNode("phoenix", cluster.dir().resolve("node-phoenix-after-lift"));
        for (String url : cluster.urls()) {
            try (QnfClient fresh = QnfClient.connect(renewed, url); QnfClient stale = QnfClient.connect(old, url);
                 QnfClient node = QnfClient.connect(rejoined, url); QnfClient oldN = QnfClient.connect(oldNode, url)) {
                // accepted once this server has applied the lift; the certificates from before stay refused
                await().atMost(APPLIED).ignoreExceptions().until(() -> fresh.listNodes() != null);
                await().atMost(APPLIED).ignoreExceptions().until(() -> node.listNodes() != null);
                assertStatus(stale::listNodes, 403, "PERMISSION_DENIED", "user uma was revoked", "unrevoke");
                assertStatus(oldN::listNodes, 403, "PERMISSION_DENIED", "node phoenix was revoked", "join again");
                assertStatus(() -> CertificateRenewer.renew(stale, old), 403, "PERMISSION_DENIED");
            }
        }
        List<AuditEntryView> audit = cluster.admin().audit(null, "admin").entries();
        assertThat(audit).filteredOn(e -> e.what().equals("unrevoke-user")).as("a repeated unrevoke is not audited")
                .singleElement().satisfies(e -> assertThat(e.object()).isEqualTo("user-revocation/uma"));
        assertThat(audit).filteredOn(e -> e.what().equals("unrevoke-node")).singleElement()
                .satisfies(e -> assertThat(e.object()).isEqualTo("revocation/phoenix"));
    }

    /** HTTP/1.1 over mTLS presenting {@code files}, as QnfClient speaks it. */
    private static HttpClient https(TlsFiles files) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .sslContext(Tls.clientContext(ReloadingIdentity.of(files))).sslParameters(Tls.clientParameters())
                .build();
    }

    private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code,
                                     String... message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).as(e.toString()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
            for (String part : message) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }
}
