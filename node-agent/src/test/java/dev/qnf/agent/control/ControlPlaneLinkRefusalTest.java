package dev.qnf.agent.control;

import dev.qnf.agent.testing.TestControlPlane;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's link against a real control plane (Ratis, RocksDB, mTLS): a node the control plane refuses for good —
 * revoked (403), or whose certificate has expired (401; its client says so before sending) — stops and reports the refusal instead of
 * retrying its heartbeat for ever; a control plane that is down is a transient failure, retried with backoff until it
 * is back.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlPlaneLinkRefusalTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    static TestControlPlane cp;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir);
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    /** A link for {@code node} presenting {@code tls}, started; counts the connectivity changes it reports. */
    private static ControlPlaneLink link(String node, QnfClient client, AtomicInteger changes) {
        ControlPlaneLink link = new ControlPlaneLink(client, node, new NodeRequest(null, List.of("10.70.0.1"), null,
                null), HEARTBEAT, FabricView.empty(), new ControlPlaneLink.Listener() {
            @Override
            public void viewChanged(FabricView view) {
            }

            @Override
            public void connectivityChanged(boolean connected) {
                changes.incrementAndGet();
            }
        });
        link.start();
        return link;
    }

    @Test
    void aRevokedNodeStopsWithTheRefusalInsteadOfRetrying() throws Exception {
        try (QnfClient client = QnfClient.connect(List.of(URI.create(cp.url())), Duration.ofSeconds(5),
                cp.nodeTls("revoked-1"));
             ControlPlaneLink link = link("revoked-1", client, new AtomicInteger())) {
            await().atMost(Duration.ofSeconds(30)).until(link::connected);
            assertThat(link.refused()).isNotDone();

            cp.client().revokeNode("revoked-1", null);
            QnfApiException refusal = link.refused().get(15, TimeUnit.SECONDS);
            assertThat(refusal.httpStatus()).isEqualTo(403);
            assertThat(refusal.code()).isEqualTo("PERMISSION_DENIED");
            assertThat(refusal.getMessage()).contains("revoked");
            assertThat(link.connected()).isFalse();
        }
    }

    @Test
    void aNodeWhoseCertificateExpiresWhileItRunsStopsWith401() throws Exception {
        Duration lifetime = Duration.ofSeconds(8);
        try (QnfClient client = QnfClient.connect(List.of(URI.create(cp.url())), Duration.ofSeconds(5),
                cp.nodeTls("expiring-1", lifetime));
             ControlPlaneLink link = link("expiring-1", client, new AtomicInteger())) {
            await().atMost(lifetime).until(link::connected);
            QnfApiException refusal = link.refused().get(lifetime.toSeconds() + 30, TimeUnit.SECONDS);
            assertThat(refusal.httpStatus()).isEqualTo(401);
            assertThat(refusal.code()).isEqualTo("UNAUTHENTICATED");
            assertThat(refusal.getMessage()).contains("expired");
        }
    }

    @Test
    void aNodeStartedWithAnExpiredCertificateStopsAtOnceWith401() throws Exception {
        // the handshake would fail, which looks like a network failure; the client knows better and says why
        try (QnfClient client = QnfClient.connect(List.of(URI.create(cp.url())), Duration.ofSeconds(5),
                cp.expiredNodeTls("stale-1"));
             ControlPlaneLink link = link("stale-1", client, new AtomicInteger())) {
            QnfApiException refusal = link.refused().get(15, TimeUnit.SECONDS);
            assertThat(refusal.httpStatus()).isEqualTo(401);
            assertThat(refusal.getMessage()).contains("expired");
            assertThat(link.connected()).isFalse();
        }
    }

    @Test
    void aControlPlaneThatIsDownIsRetriedWithBackoffUntilItIsBack() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        try (QnfClient client = QnfClient.connect(List.of(URI.create(cp.url())), Duration.ofSeconds(5),
                cp.nodeTls("steady-1"));
             ControlPlaneLink link = link("steady-1", client, changes)) {
            await().atMost(Duration.ofSeconds(30)).until(link::connected);
            cp.stopServer();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> !link.connected());
                // several failed heartbeats (1 s apart, then backing off): transient, so no refusal
                Thread.sleep(HEARTBEAT.multipliedBy(4).toMillis());
                assertThat(link.refused()).as("no answer is not a refusal").isNotDone();
            } finally {
                cp.startServer();
            }
            await().atMost(Duration.ofSeconds(60)).until(link::connected);
            assertThat(link.refused()).isNotDone();
            assertThat(changes.get()).as("connected, lost, connected again").isEqualTo(3);
        }
    }
}
