package dev.qnf.api.client;

import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.LabelRequest;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.InMemoryFabric;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's watch over mTLS (a node certificate, HTTP/1.1 over TLS 1.3, as {@code qnf agent} runs it) hears every
 * write as it happens, labels and policies included: each revision arrives before the next write is made. Written
 * while chasing "the agent stops hearing events after labels"; that was the agent ignoring labels it did hear
 * (see DesiredStateTest), and this pins down that the stream itself is not the problem.
 */
class WatchOverMutualTlsTest {
    static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyWriteReachesANodesWatchBeforeTheNextOne() throws Exception {
        TestPki pki = TestPki.create(dir);
        ServerConfig config = ServerConfigs.alone("w1", dir.resolve("data"));
        List<WatchMessage> seen = new CopyOnWriteArrayList<>();
        try (QnfServer server = QnfServer.start(pki.secure(config), (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()));
             QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl());
             QnfClient node = QnfClient.connect(pki.node("n1"), server.apiUrl())) {
            long created = admin.createNetwork(new NetworkRequest("net", "10.77.0.0/16", null, null, null, null, true,
                    null, null, null, null)).value().revision();
            Watching watch = node.watch(created, seen::add);
            awaitRevision(watch, created);

            for (String e : List.of("a", "b")) {
                awaitRevision(watch, node.allocate("net", new AllocationRequest(e, "n1", null, "c-" + e, "eth0", null,
                        null)).value().revision());
            }
            for (String e : List.of("a", "b")) {
                awaitRevision(watch, admin.labelEndpoint("net", e, new LabelRequest(Map.of("app", "app-" + e),
                        List.of())).revision());
            }
            PolicyView policy = new PolicyView("default", "a-in", new SelectorView(Map.of("app", "app-a"), null), null,
                    List.of("ingress"), null, null, null);
            awaitRevision(watch, admin.applyPolicies(new PolicyFile(List.of(policy), Map.of("net", "deny"),
                    List.of())).value().revision());

            List<String> keys = seen.stream().flatMap(m -> m.events().stream()).map(WatchMessage.Event::key).toList();
            assertThat(keys).contains("endpoint/net/a", "endpoint/net/b", "policy/default/a-in")
                    .anyMatch(k -> k.startsWith("identity/"));
            assertThat(seen).extracting(WatchMessage::revision).isSorted().doesNotHaveDuplicates();
            assertThat(watch.done()).isNotDone();
            watch.close();
        }
    }

    private static void awaitRevision(Watching watch, long revision) {
        await().atMost(PROMPTLY).untilAsserted(() -> assertThat(watch.lastRevision()).isGreaterThanOrEqualTo(revision));
    }
}
