package dev.qnf.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.testing.FakeServers;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.NdjsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the fake can stage and a real cluster only does on a bad day: no quorum, no leader, lag, compaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestClusterFailuresTest {
    private FakeServers.Running server;
    private Http http;

    @BeforeAll
    void start() {
        server = FakeServers.start("s1");
        http = new Http(server.url());
        server.server().announced().join();
    }

    @AfterEach
    void heal() {
        server.fabric().setAvailable(true);
        server.fabric().setLeader(true);
        server.fabric().setApplyLag(0);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void writesAndLinearizableReadsAreUnavailableWithoutQuorumButStaleReadsWork() {
        http.post("/v1/networks", "{\"name\":\"q1\",\"cidr\":\"10.50.0.0/24\"}");
        server.fabric().setAvailable(false);

        RestContract.assertError(http.post("/v1/networks", "{\"name\":\"q2\",\"cidr\":\"10.51.0.0/24\"}"), 503,
                "UNAVAILABLE");
        RestContract.assertError(http.get("/v1/networks"), 503, "UNAVAILABLE");
        RestContract.assertError(http.post("/v1/cluster/members", "{\"id\":\"s2\",\"address\":\"127.0.0.1:1\"}"),
                503, "UNAVAILABLE");
        Http.Response stale = http.get("/v1/networks?stale=true");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.json().get("networks").findValuesAsText("name")).contains("q1").doesNotContain("q2");
        assertThat(http.get("/v1/cluster").status()).isEqualTo(200);
    }

    @Test
    void readinessNeedsALeaderAndASmallApplyLag() {
        assertThat(http.get("/readyz").status()).isEqualTo(200);

        server.fabric().setLeader(false);
        Http.Response noLeader = http.get("/readyz");
        assertThat(noLeader.status()).isEqualTo(503);
        assertThat(noLeader.json().get("ready").asBoolean()).isFalse();
        assertThat(noLeader.json().get("reason").asText()).contains("no leader");
        assertThat(http.get("/healthz").status()).isEqualTo(200);
        assertThat(http.get("/metrics").body()).contains("qnf_raft_leader_known 0.0");

        server.fabric().setLeader(true);
        server.fabric().setApplyLag(1000);
        Http.Response lagging = http.get("/readyz");
        assertThat(lagging.status()).isEqualTo(503);
        assertThat(lagging.json().get("reason").asText()).contains("trails");
    }

    @Test
    void clusterMembershipChangesAnswerTheNewStatus() {
        Http.Response added = http.post("/v1/cluster/members", "{\"id\":\"s2\",\"address\":\"127.0.0.1:9999\"}");
        // (s2 is removed again at the end, so the other tests see a one-member group)
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().get("members").findValuesAsText("id")).containsExactly("s1", "s2");
        // the same addition again is a no-op, a different address for the same id a conflict
        assertThat(http.post("/v1/cluster/members", "{\"id\":\"s2\",\"address\":\"127.0.0.1:9999\"}").status())
                .isEqualTo(200);
        RestContract.assertError(http.post("/v1/cluster/members", "{\"id\":\"s2\",\"address\":\"127.0.0.1:9998\"}"),
                409, "ALREADY_EXISTS");

        assertThat(http.post("/v1/cluster/leader", "{\"id\":\"s2\"}").status()).isEqualTo(200);
        assertThat(http.post("/v1/cluster/leader", null).status()).isEqualTo(200);

        Http.Response removed = http.delete("/v1/cluster/members/s2");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("members").findValuesAsText("id")).containsExactly("s1");
    }

    @Test
    void removingAMemberForgetsItsAnnouncedApiAddress() {
        try (FakeServers.Running other = FakeServers.start("t1")) {
            other.server().announced().join();
            Http h = new Http(other.url());
            assertThat(h.get("/v1/cluster").json().get("members").get(0).has("apiAddress")).isTrue();
            h.post("/v1/cluster/members", "{\"id\":\"t2\",\"address\":\"127.0.0.1:9999\"}");
            h.delete("/v1/cluster/members/t1");
            assertThat(other.fabric().localImage().members()).isEmpty();
        }
    }

    @Test
    void watchFromACompactedRevisionStartsWithAResync() {
        http.post("/v1/networks", "{\"name\":\"blue\",\"cidr\":\"10.60.0.0/24\"}");
        http.post("/v1/networks/blue/allocations", "{\"endpoint\":\"c1\"}");
        server.fabric().compact();
        long now = server.fabric().localImage().revision();

        try (NdjsonReader watch = new NdjsonReader(server.url() + "/v1/watch?from=1")) {
            JsonNode resync = watch.next();
            assertThat(Http.fields(resync)).containsExactly("type", "revision", "objects");
            assertThat(resync.get("type").asText()).isEqualTo("RESYNC");
            assertThat(resync.get("revision").asLong()).isEqualTo(now);
            assertThat(resync.get("objects").findValuesAsText("key"))
                    .contains("network/blue", "endpoint/blue/c1", "member/s1");
            JsonNode network = resync.get("objects").get(0);
            assertThat(Http.fields(network)).containsExactly("key", "object");

            http.post("/v1/networks/blue/allocations", "{\"endpoint\":\"c2\"}");
            JsonNode next = RestContract.nextWithKey(watch, "endpoint/blue/c2");
            assertThat(next.get("revision").asLong()).isEqualTo(now + 1);
        }
    }

    @Test
    void watchWithoutFromStartsNowAndClosesTheConsensusWatchWhenTheClientLeaves() {
        http.post("/v1/networks", "{\"name\":\"old\",\"cidr\":\"10.70.0.0/24\"}");
        NdjsonReader watch = new NdjsonReader(server.url() + "/v1/watch");
        await().atMost(Duration.ofSeconds(30)).until(() -> server.fabric().openWatches() == 1);
        http.post("/v1/networks", "{\"name\":\"new\",\"cidr\":\"10.71.0.0/24\"}");
        JsonNode line = watch.next();
        assertThat(line.get("events").findValuesAsText("key")).containsExactly("network/new");

        watch.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.fabric().openWatches() == 0);
    }
}
