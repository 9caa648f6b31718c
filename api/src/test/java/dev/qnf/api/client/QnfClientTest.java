package dev.qnf.api.client;

import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.testing.FakeServers;
import dev.qnf.api.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QnfClientTest {
    private FakeServers.Running a;
    private FakeServers.Running b;

    @BeforeAll
    void start() {
        a = FakeServers.start("a");
        b = FakeServers.start("b");
        a.server().announced().join();
    }

    @AfterAll
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void everyCallReturnsRecords() {
        QnfClient client = QnfClient.connect(a.url());
        Written<NetworkView> created = client.createNetwork(new NetworkRequest("blue", "10.0.0.0/24", "fd00::/64",
                null, null, 1400, true, null, null, null, Map.of("team", "net")));
        assertThat(created.created()).isTrue();
        assertThat(created.value().cidr6()).isEqualTo("fd00::/64");
        assertThat(created.value().labels()).containsEntry("team", "net");
        assertThat(client.createNetwork(new NetworkRequest("blue", "10.0.0.0/24", "fd00::/64",
                null, null, 1400, true, null, null, null, Map.of("team", "net"))).created()).isFalse();
        assertThat(client.getNetwork("blue").mtu()).isEqualTo(1400);
        assertThat(client.listNetworks(true).networks()).extracting(NetworkView::name).contains("blue");

        Written<AllocationView> allocated = client.allocate("blue", new AllocationRequest("c1", "n1", null));
        assertThat(allocated.created()).isTrue();
        assertThat(allocated.value().ip6()).startsWith("fd00::");
        assertThat(client.allocate("blue", AllocationRequest.of("c1")).created()).isFalse();
        assertThat(client.listAllocations("blue").allocations()).extracting(AllocationView::endpoint).containsExactly("c1");
        assertThat(client.release("blue", "c1").revision()).isPositive();
        assertThat(client.release("blue", "c1").revision()).isPositive();

        Written<NodeView> node = client.registerNode("n1", new NodeRequest("lab", List.of("192.0.2.1"), "k=", 30));
        assertThat(node.created()).isTrue();
        assertThat(client.getNode("n1").site()).isEqualTo("lab");
        assertThat(client.listNodes().nodes()).extracting(NodeView::name).contains("n1");
        client.removeNode("n1");

        assertThat(client.cluster().members()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("a");
            assertThat(m.apiAddress()).isEqualTo(a.url());
        });
        assertThat(client.addMember("x", "127.0.0.1:1").members()).hasSize(2);
        assertThat(client.transferLeader(null).leader()).isEqualTo("a");
        assertThat(client.removeMember("x").members()).hasSize(1);
        assertThat(client.snapshot().index()).isPositive();
        assertThat(client.readiness().ready()).isTrue();
        assertThat(client.deleteNetwork("blue").revision()).isPositive();
    }

    @Test
    void refusalsAreTypedExceptions() {
        QnfClient client = QnfClient.connect(a.url());
        assertThatThrownBy(() -> client.getNetwork("nosuch")).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("NOT_FOUND");
            assertThat(e.getMessage()).contains("nosuch");
        });
        assertThatThrownBy(() -> client.createNetwork(NetworkRequest.of("bad", "10.0.0.1/24")))
                .isInstanceOfSatisfying(QnfApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_ARGUMENT");
                });
    }

    @Test
    void failsOverOnConnectionErrorsAnd503() {
        String dead = "http://127.0.0.1:" + Ports.free();
        QnfClient client = QnfClient.connect(dead, b.url());
        assertThat(client.createNetwork(NetworkRequest.of("fo", "10.9.0.0/24")).created()).isTrue();

        a.fabric().setAvailable(false);
        try {
            QnfClient viaA = QnfClient.connect(a.url(), b.url());
            assertThat(viaA.getNetwork("fo").name()).isEqualTo("fo");
            QnfClient onlyA = QnfClient.connect(a.url());
            assertThatThrownBy(onlyA::listNetworks).isInstanceOfSatisfying(QnfApiException.class,
                    e -> assertThat(e.code()).isEqualTo("UNAVAILABLE"));
        } finally {
            a.fabric().setAvailable(true);
        }
        assertThatThrownBy(() -> QnfClient.connect(dead).listNetworks()).isInstanceOfSatisfying(
                QnfApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("UNAVAILABLE");
                });
    }

    @Test
    void watchDeliversOrderedMessagesUntilClosed() {
        QnfClient client = QnfClient.connect(a.url());
        long from = client.listNetworks().revision() + 1;
        client.createNetwork(NetworkRequest.of("wa", "10.20.0.0/24"));
        List<WatchMessage> seen = new CopyOnWriteArrayList<>();
        Watching watching = client.watch(from, seen::add);
        client.allocate("wa", AllocationRequest.of("c1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().flatMap(m -> m.events().stream())
                .anyMatch(e -> e.key().equals("endpoint/wa/c1")));
        WatchMessage first = seen.get(0);
        assertThat(first.revision()).isEqualTo(from);
        assertThat(first.events().get(0).key()).isEqualTo("network/wa");
        assertThat(first.events().get(0).kind()).isEqualTo("network");
        assertThat(first.events().get(0).objectAs(NetworkView.class).cidr()).isEqualTo("10.20.0.0/24");
        assertThat(seen).extracting(WatchMessage::revision).isSorted();
        // The stream moves its position only after the listener returns, so right after the await it may still
        // name the revision before: wait for it instead of racing the watch thread.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(watching.lastRevision()).isEqualTo(seen.get(seen.size() - 1).revision()));

        watching.close();
        assertThat(watching.done()).isDone();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.fabric().openWatches() == 0);
    }

    @Test
    void watchResyncIsAMessageToo() {
        QnfClient client = QnfClient.connect(b.url());
        client.createNetwork(NetworkRequest.of("rs", "10.30.0.0/24"));
        b.fabric().compact();
        List<WatchMessage> seen = new CopyOnWriteArrayList<>();
        try (Watching w = client.watch(0L, seen::add)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty());
            assertThat(seen.get(0).isResync()).isTrue();
            assertThat(seen.get(0).objects()).extracting(WatchMessage.KeyedObject::key).contains("network/rs");
        }
    }

    @Test
    void aBadWatchRevisionEndsTheWatchWithTheError() {
        Watching w = QnfClient.connect(a.url()).watch(-5L, m -> { });
        await().atMost(Duration.ofSeconds(30)).until(() -> w.done().isDone());
        assertThat(w.done()).isCompletedExceptionally();
    }
}
