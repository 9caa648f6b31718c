package dev.qnf.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.StateHashView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.NdjsonReader;
import dev.qnf.api.testing.ReplicaServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Three real servers on loopback: any server serves any call, the cluster view is shared, clients fail over. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterTest {
    private List<ReplicaServers.Running> servers;

    @BeforeAll
    void start() {
        servers = ReplicaServers.cluster("c", 3);
    }

    @AfterAll
    void stop() {
        if (servers != null) {
            servers.forEach(ReplicaServers.Running::close);
        }
    }

    /** The leader as a running server sees it, asked again while an election leaves none known. */
    private ReplicaServers.Running leader() {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            ReplicaServers.Running asked = servers.stream().filter(ReplicaServers.Running::running).findFirst()
                    .orElseThrow();
            JsonNode id = new Http(asked.url()).get("/v1/cluster").json().get("leader");
            return servers.stream().filter(s -> s.running() && id != null && s.config().id().equals(id.asText()))
                    .findFirst();
        }, java.util.Optional::isPresent).orElseThrow();
    }

    private ReplicaServers.Running follower() {
        ReplicaServers.Running leader = leader();
        return servers.stream().filter(s -> s != leader && s.running()).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void everyServerShowsEveryMemberWithItsApiAddress() {
        servers.forEach(s -> s.server().announced().join());
        for (ReplicaServers.Running s : servers) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode c = new Http(s.url()).get("/v1/cluster").json();
                assertThat(c.get("members").findValuesAsText("id")).containsExactlyInAnyOrder("c1", "c2", "c3");
                assertThat(c.get("members").findValuesAsText("apiAddress"))
                        .containsExactlyInAnyOrderElementsOf(servers.stream().map(ReplicaServers.Running::url).toList());
                assertThat(c.get("members").findValuesAsText("role")).contains("LEADER");
            });
        }
    }

    @Test
    @Order(2)
    void aWriteThroughAFollowerIsReadLinearizablyEverywhereAndWatchedOnAnother() {
        ReplicaServers.Running follower = follower();
        ReplicaServers.Running other = servers.stream().filter(s -> s != follower).findFirst().orElseThrow();
        long from = new Http(other.url()).get("/v1/networks").json().get("revision").asLong() + 1;

        Http.Response created = new Http(follower.url()).post("/v1/networks",
                "{\"name\":\"blue\",\"cidr\":\"10.0.0.0/24\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long revision = created.json().get("revision").asLong();
        assertThat(revision).isGreaterThanOrEqualTo(from);

        for (ReplicaServers.Running s : servers) {
            Http.Response read = new Http(s.url()).get("/v1/networks/blue");
            assertThat(read.status()).as(s.config().id()).isEqualTo(200);
            assertThat(read.json().get("revision").asLong()).isGreaterThanOrEqualTo(revision);
        }
        try (NdjsonReader watch = new NdjsonReader(other.url() + "/v1/watch?from=" + from)) {
            JsonNode line = watch.next();
            assertThat(line.get("events").findValuesAsText("key")).contains("network/blue");
        }
    }

    @Test
    @Order(3)
    void everyReplicaHasTheSameStateHashAtTheSameRevision() {
        QnfClient client = QnfClient.connect(servers.get(0).url());
        client.createNetwork(new NetworkRequest("hashed", "10.2.0.0/24", null, null, null, null, null, null, null, null,
                java.util.Map.of("b", "2", "a", "1", "c", "3")));
        long revision = client.allocate("hashed", AllocationRequest.of("e1")).value().revision();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<StateHashView> hashes = servers.stream().map(s -> QnfClient.connect(s.url()).stateHash()).toList();
            assertThat(hashes).extracting(StateHashView::revision).containsOnly(hashes.get(0).revision());
            assertThat(hashes.get(0).revision()).isGreaterThanOrEqualTo(revision);
            assertThat(hashes).extracting(StateHashView::hash).containsOnly(hashes.get(0).hash());
        });
    }

    @Test
    @Order(4)
    void aJoiningServerIsAddedThroughTheApiAnnouncesItselfAndCanBeRemoved() {
        ReplicaServers.Running joiner = ReplicaServers.joining("c4");
        try {
            QnfClient client = QnfClient.connect(servers.get(0).url());
            ClusterView added = client.addMember("c4", joiner.config().raftAddress());
            assertThat(added.members()).extracting(ClusterView.Peer::id).contains("c4");
            joiner.server().announced().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.cluster().members())
                    .filteredOn(m -> m.id().equals("c4")).singleElement()
                    .satisfies(m -> assertThat(m.apiAddress()).isEqualTo(joiner.url())));
            // the new server serves linearizable reads of what was written before it joined
            assertThat(QnfClient.connect(joiner.url()).getNetwork("blue").name()).isEqualTo("blue");

            ClusterView removed = client.removeMember("c4");
            assertThat(removed.members()).extracting(ClusterView.Peer::id).doesNotContain("c4");
            assertThat(client.listNodes().revision()).isPositive();
            assertThat(QnfClient.connect(servers.get(0).url()).cluster().members())
                    .extracting(ClusterView.Peer::apiAddress).doesNotContain(joiner.url());
        } finally {
            joiner.close();
        }
    }

    @Test
    @Order(5)
    void clientFailsOverWhenTheLeaderGoesAway() {
        QnfClient client = QnfClient.connect(servers.stream().map(ReplicaServers.Running::url).toArray(String[]::new));
        client.createNetwork(NetworkRequest.of("fo", "10.1.0.0/24"));
        List<WatchMessage> seen = new CopyOnWriteArrayList<>();
        ReplicaServers.Running leader = leader();
        // watch through a server that stays up
        ReplicaServers.Running survivor = follower();
        QnfClient watchClient = QnfClient.connect(survivor.url());
        long from = watchClient.listNetworks().revision() + 1;
        try (var watching = watchClient.watch(from, seen::add)) {
            leader.stop();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> client.allocate("fo", AllocationRequest.of("c1")).value().ip() != null);
            ClusterView view = client.cluster();
            assertThat(view.leader()).isNotEqualTo(leader.config().id());
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().flatMap(m -> m.events().stream())
                    .anyMatch(e -> e.key().equals("endpoint/fo/c1")));
        }
        ReplicaServers.Running restarted = leader;
        // the stopped server is not ready while down; the others are (once they agree on a leader again)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> new Http(survivor.url()).get("/readyz").status() == 200);
        assertThat(restarted.running()).isFalse();
    }
}
