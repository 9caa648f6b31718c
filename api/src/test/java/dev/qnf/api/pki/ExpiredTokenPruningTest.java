package dev.qnf.api.pki;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AuditEntryView;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.json.TokenView;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Expired join tokens are garbage-collected from the replicated state, on a real 3-server cluster (Ratis, RocksDB,
 * mTLS): a token of 2 s disappears from every server's own applied state while a live one stays, the audit trail
 * keeps its creation and records the prune (by the leader, with its clock in the command), and a server restarted
 * from its RocksDB afterwards holds the same state.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpiredTokenPruningTest {
    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready();

    @Test
    void anExpiredTokenDisappearsFromEveryReplicaALiveOneStaysAndTheAuditKeepsItsTrail() {
        // 5 s: the first listing below must come before the leader's pruner (every 2 s) can take the token away,
        // which a loaded machine could miss with a 2 s token after the second creation and the listing
        TokenCreated brief = cluster.admin().createToken(new TokenRequest(5L, 1, "node", null));
        TokenCreated live = cluster.admin().createToken(new TokenRequest(3600L, 1, "node", null));
        String briefId = brief.stored().id();
        String liveId = live.stored().id();
        assertThat(ids(cluster.admin())).contains(briefId, liveId);

        // every server's own applied state (stale reads: no round through the leader)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String url : cluster.urls()) {
                try (QnfClient one = QnfClient.connect(cluster.pki().admin(), url)) {
                    assertThat(ids(one)).as(url).doesNotContain(briefId).contains(liveId);
                }
            }
        });
        long prunedAt = System.currentTimeMillis();
        assertThat(prunedAt).as("not before it expired").isGreaterThanOrEqualTo(brief.stored().expiresAtMillis());

        // the trail: the token's creation is kept, and its removal is attributed to the server that proposed it
        List<AuditEntryView> trail = cluster.admin().audit(null, null).entries();
        String key = trail.stream().filter(e -> e.what().equals("create-token") && e.object().endsWith(briefId))
                .map(AuditEntryView::object).findFirst().orElseThrow();
        assertThat(trail).filteredOn(e -> e.object().equals(key)).extracting(AuditEntryView::what)
                .containsExactly("create-token", "prune-expired-token");
        AuditEntryView prune = trail.stream().filter(e -> e.what().equals("prune-expired-token")).findFirst()
                .orElseThrow();
        assertThat(prune.who()).startsWith("spiffe://" + TestPki.TRUST_DOMAIN + "/server/");
        assertThat(trail).filteredOn(e -> e.object().endsWith(liveId)).extracting(AuditEntryView::what)
                .containsExactly("create-token");

        // a replica restarted from its RocksDB agrees: the same tokens, the same state
        cluster.restart(2);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> {
                    String[] urls = cluster.urls();
                    try (QnfClient restarted = QnfClient.connect(cluster.pki().admin(), urls[2]);
                         QnfClient other = QnfClient.connect(cluster.pki().admin(), urls[0])) {
                        assertThat(ids(restarted)).doesNotContain(briefId).contains(liveId);
                        assertThat(restarted.stateHash()).isEqualTo(other.stateHash());
                    }
                });
    }

    private static List<String> ids(QnfClient client) {
        return client.listTokens(true).tokens().stream().map(TokenView::id).toList();
    }
}
