package dev.qnf.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.ReplicaServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Regression for a bug the chaos suite found (a node agent under a kill-majority fault): the API answered 503 after
 * its request timeout, but the replica kept resending the write to Raft for its own, longer deadline, so the write
 * was applied seconds after the caller had given up on it, and after the caller's next request (the agent had
 * answered "try again later", the runtime had deleted the container, and then the allocation appeared: a leaked
 * address). The replica now gives up when the API does.
 */
class WriteAfterTimeoutTest {
    private List<ReplicaServers.Running> servers;

    @AfterEach
    void stop() {
        if (servers != null) {
            servers.forEach(ReplicaServers.Running::close);
        }
    }

    @Test
    void aWriteAnswered503IsNotAppliedWhenTheClusterComesBack() throws Exception {
        servers = ReplicaServers.cluster("late", 3, Duration.ofSeconds(2));
        try (QnfClient setup = QnfClient.connect(servers.stream().map(ReplicaServers.Running::url)
                .toArray(String[]::new))) {
            setup.createNetwork(NetworkRequest.of("late", "10.60.0.0/24"));
        }
        // the roles as late as possible before the stops: a leader that moved to "through" in between would take
        // the write into its log alone, and could rightly commit it once the others were back
        ReplicaServers.Running leader = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            JsonNode id = new Http(servers.get(0).url()).get("/v1/cluster").json().get("leader");
            return servers.stream().filter(s -> id != null && s.config().id().equals(id.asText())).findFirst();
        }, Optional::isPresent).orElseThrow();
        List<ReplicaServers.Running> followers = servers.stream().filter(s -> s != leader).toList();
        ReplicaServers.Running through = followers.get(0);
        ReplicaServers.Running other = followers.get(1);
        QnfClient client = QnfClient.connect(List.of(java.net.URI.create(through.url())), Duration.ofSeconds(10));

        // no quorum: the follower left cannot find a leader, and nothing reaches any log. The other follower goes
        // first: stopping the leader first let the two followers elect one of themselves in between (on a loaded
        // machine), which then took the write into its log, and the write rightly committed once the others were back.
        other.stop();
        leader.stop();
        long sent = System.nanoTime();
        assertThatThrownBy(() -> client.allocate("late", AllocationRequest.of("ghost")))
                .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(503));

        // the majority is back well within the replica's old 10 s retry window
        leader.restart();
        other.restart();
        ReplicaServers.awaitReady(servers);
        long waitUntil = sent + Duration.ofSeconds(12).toNanos();
        while (System.nanoTime() < waitUntil) {
            Thread.sleep(200);
        }
        List<AllocationView> all = client.listAllocations("late").allocations();
        assertThat(all).extracting(AllocationView::endpoint).doesNotContain("ghost");
        // and the cluster works
        assertThat(client.allocate("late", AllocationRequest.of("after")).value().ip()).isNotNull();
    }
}
