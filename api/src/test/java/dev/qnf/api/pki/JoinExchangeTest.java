package dev.qnf.api.pki;

import dev.qnf.api.client.Joiner;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.testing.Ports;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Join tokens exchanged for certificates on a real 3-server cluster (Raft and API over mTLS), each server with a
 * join port and a copy of the CA.
 */
class JoinExchangeTest {
    /** Without token pruning: the expired-token case needs the token still there, expired (409), not pruned (404). */
    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready((cluster, c) ->
            c.withJoinPort(Ports.loopback(), cluster.caCopy(c)).withoutTokenPruning());

    /** Where a joiner (or another CA) of one test keeps its files. */
    static Path dir(String name) {
        return cluster.dir().resolve(name);
    }

    static String joinUrl(int i) {
        return "https://127.0.0.1:" + cluster.servers().get(i).joinPort();
    }

    static TokenCreated token(long ttlSeconds, int uses) {
        return cluster.admin().createToken(new TokenRequest(ttlSeconds, uses, "node", "lab"));
    }

    static NodeView unversioned(NodeView v) {
        return new NodeView(v.name(), v.site(), v.addresses(), v.publicKey(), v.leaseExpiresAtMillis(), null,
                v.mesh());
    }

    static void assertRefused(Runnable join, int status) {
        assertThatThrownBy(join::run).isInstanceOfSatisfying(QnfApiException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(status));
    }

    @Test
    void aNodeJoinsWithATokenAndThenRegistersItself() {
        TokenCreated t = token(600, 1);
        var files = Joiner.join(joinUrl(1), t.token(), t.caHash(), "joiner-a", dir("joiner-a"));
        Identity identity = files.load();
        assertThat(identity.spiffeId()).isEqualTo(SpiffeId.node(TestPki.TRUST_DOMAIN, "joiner-a"));
        assertThat(identity.role()).isEqualTo(Role.NODE);
        try (QnfClient node = QnfClient.connect(files, cluster.servers().get(2).apiUrl())) {
            assertThat(node.registerNode("joiner-a", new NodeRequest("lab", List.of("10.9.9.9"), null, null))
                    .created()).isTrue();
            assertThatThrownBy(() -> node.registerNode("someone-else", new NodeRequest(null, null, null, null)))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        }
        assertThat(cluster.admin().listTokens().tokens()).filteredOn(v -> t.token().startsWith(v.id()))
                .singleElement().satisfies(v -> {
                    assertThat(v.usesLeft()).isZero();
                    assertThat(v.redeemedBy()).containsExactly("joiner-a");
                });
    }

    @Test
    void aNodeJoinedWithASiteTokenStaysInThatSiteWhoeverWritesItsRecord() {
        TokenCreated t = cluster.admin().createToken(new TokenRequest(600L, 2, "node", "site-b"));
        // a joiner saying it is elsewhere is refused before the token is spent
        assertThatThrownBy(() -> Joiner.joinNode(joinUrl(0), t.token(), t.caHash(), "b1", "site-a", dir("b1")))
                .isInstanceOfSatisfying(QnfApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("is for site site-b, not site-a");
                });
        assertThat(cluster.admin().listTokens().tokens()).filteredOn(v -> t.token().startsWith(v.id()))
                .singleElement().satisfies(v -> assertThat(v.usesLeft()).isEqualTo(2));

        Joiner.NodeJoined joined = Joiner.joinNode(joinUrl(0), t.token(), t.caHash(), "b1", null, dir("b1"));
        assertThat(joined.site()).as("the site comes with the certificate").isEqualTo("site-b");
        try (QnfClient node = QnfClient.connect(joined.files(), cluster.servers().get(1).apiUrl())) {
            assertThat(node.registerNode("b1", new NodeRequest("site-b", List.of("10.9.9.8"), null, null)).created())
                    .isTrue();
            // The revision in a read is the cluster's, not the record's: a refusal that a freshly elected leader
            // could not yet foresee is appended and refused at apply, which moves it on without changing anything.
            NodeView before = unversioned(cluster.admin().getNode("b1"));
            int writesByB1 = cluster.admin().audit(null, "b1").entries().size();
            for (String elsewhere : new String[]{"site-a", null}) {   // null: the default site
                assertThatThrownBy(() -> node.registerNode("b1", new NodeRequest(elsewhere, null, null, null)))
                        .isInstanceOfSatisfying(QnfApiException.class, e -> {
                            assertThat(e.httpStatus()).isEqualTo(403);
                            assertThat(e.code()).isEqualTo("PERMISSION_DENIED");
                            assertThat(e.getMessage()).contains("node b1 joined site site-b", "may not register");
                        });
            }
            assertThat(cluster.admin().getNode("b1").site()).isEqualTo("site-b");
            assertThat(unversioned(cluster.admin().getNode("b1"))).as("refusals change nothing").isEqualTo(before);
            assertThat(cluster.admin().audit(null, "b1").entries()).as("nor are they audited as writes")
                    .hasSize(writesByB1);
            // deleting its own record does not free it either
            node.removeNode("b1");
            assertThatThrownBy(() -> node.registerNode("b1", new NodeRequest("site-a", null, null, null)))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        }
        // the binding is the state's, not the caller's: an admin cannot put the node elsewhere either
        assertThatThrownBy(() -> cluster.admin().registerNode("b1", new NodeRequest("site-a", null, null, null)))
                .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThat(cluster.admin().registerNode("b1", new NodeRequest("site-b", null, null, null)).created()).isTrue();
    }

    @Test
    void aSingleUseTokenUsedTwiceWorksOnce() {
        TokenCreated t = token(600, 1);
        Joiner.join(joinUrl(0), t.token(), t.caHash(), "twice-a", dir("twice-a"));
        assertRefused(() -> Joiner.join(joinUrl(1), t.token(), t.caHash(), "twice-b", dir("twice-b")), 409);
    }

    @Test
    void theSameTokenRedeemedConcurrentlyThroughTwoServersSucceedsExactlyOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            TokenCreated t = token(600, 1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<CompletableFuture<Void>> racers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int server = i + 1;
                String name = "race-" + round + "-" + server;
                racers.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        Joiner.join(joinUrl(server), t.token(), t.caHash(), name, dir(name));
                        ok.incrementAndGet();
                    } catch (QnfApiException e) {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        refused.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            go.countDown();
            CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get();
            assertThat(ok.get()).as("round " + round).isEqualTo(1);
            assertThat(refused.get()).isEqualTo(1);
        }
    }

    @Test
    void aWrongSecretAnExpiredTokenAndABadRequestAreRefusedAndSpendNothing() throws Exception {
        TokenCreated t = token(600, 1);
        String wrong = t.token().substring(0, 7) + "0000000000000000";
        assertRefused(() -> Joiner.join(joinUrl(0), wrong, t.caHash(), "wrong", dir("wrong")), 404);
        assertRefused(() -> Joiner.join(joinUrl(0), "not-a-token", t.caHash(), "bad", dir("bad")), 400);
        assertRefused(() -> Joiner.join(joinUrl(0), t.token(), t.caHash(), "Bad Name", dir("bad")), 400);
        assertThat(cluster.admin().listTokens().tokens()).filteredOn(v -> t.token().startsWith(v.id()))
                .singleElement().satisfies(v -> assertThat(v.usesLeft()).isEqualTo(1));

        TokenCreated shortLived = token(1, 1);
        Thread.sleep(1500);   // let it expire (setup, not an assertion on timing)
        assertRefused(() -> Joiner.join(joinUrl(0), shortLived.token(), shortLived.caHash(), "late",
                dir("late")), 409);
    }

    @Test
    void aJoinerRefusesAServerOfAnotherCaBeforeSendingTheToken() {
        TokenCreated t = token(600, 1);
        String otherPin = CaPin.of(TestPki.create(dir("other")).pki().ca().certificate());
        assertThatThrownBy(() -> Joiner.join(joinUrl(0), t.token(), otherPin, "pinned", dir("pinned")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refusing to send the token");
        assertThat(cluster.admin().listTokens().tokens()).filteredOn(v -> t.token().startsWith(v.id()))
                .singleElement().satisfies(v -> assertThat(v.usesLeft()).isEqualTo(1));
    }

    @Test
    void aServerTokenMakesNoAgentAndAServerJoinReceivesTheCaSealedForIt() throws Exception {
        TokenCreated t = cluster.admin().createToken(new TokenRequest(600L, 1, "server", null));
        // an agent (asking for a node certificate) with a server token: refused, and the token stays unspent
        assertRefused(() -> Joiner.join(joinUrl(0), t.token(), t.caHash(), "sneaky", dir("sneaky")), 409);
        // a role that is no role is a 400 before anything is spent
        var http = java.net.http.HttpClient.newBuilder().sslContext(insecure()).build();
        String body = "{\"token\":\"" + t.token() + "\",\"name\":\"x1\",\"csr\":"
                + dev.qnf.api.json.Json.strict().writeValueAsString(Pem.certificateRequest(CertificateAuthority.newKeyPair()))
                + ",\"role\":\"admin\"}";
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(joinUrl(0) + "/v1/join"))
                .header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(cluster.admin().listTokens().tokens()).filteredOn(v -> t.token().startsWith(v.id()))
                .singleElement().satisfies(v -> assertThat(v.usesLeft()).isEqualTo(1));

        Joiner.ServerJoined joined = Joiner.joinServer(joinUrl(2), t.token(), t.caHash(), "s9", dir("s9"),
                CaPassphrase.none());
        assertThat(joined.identity().load().spiffeId()).isEqualTo(SpiffeId.server(TestPki.TRUST_DOMAIN, "s9"));
        assertThat(joined.ca().ca().certificate()).isEqualTo(cluster.pki().pki().ca().certificate());
        assertThat(CertificateAuthority.keyMatches(cluster.pki().pki().ca().certificate(),
                ClusterPki.load(dir("s9/ca")).ca().privateKey())).isTrue();
        assertThat(joined.apiUrl()).isEqualTo(cluster.servers().get(2).apiUrl());
    }

    @Test
    void theJoinPortServesNothingElse() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().sslContext(insecure()).build();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(joinUrl(0) + "/v1/networks"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    private static javax.net.ssl.SSLContext insecure() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
