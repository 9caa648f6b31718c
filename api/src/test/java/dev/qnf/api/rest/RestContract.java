package dev.qnf.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.NdjsonReader;
import dev.qnf.api.testing.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST contract of docs/api.md: status codes and exact bodies. Runs against every kind of fabric behind the
 * server (subclasses choose), so the in-memory fake and the Raft replica are held to the same contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RestContract {
    private static final AtomicInteger SUBNET = new AtomicInteger(1);

    protected Target target;
    protected Http http;

    protected abstract Target start() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        target = start();
        http = new Http(target.url());
    }

    @AfterAll
    void stopServer() {
        if (target != null) {
            target.close();
        }
    }

    /** A fresh /24 for each network, so tests never overlap one another. */
    protected static String cidr() {
        return "10." + SUBNET.getAndIncrement() + ".0.0/24";
    }

    protected Http.Response createNetwork(String name, String cidr) {
        return http.post("/v1/networks", "{\"name\":\"" + name + "\",\"cidr\":\"" + cidr + "\"}");
    }

    protected long revision() {
        return http.get("/v1/networks").json().get("revision").asLong();
    }

    @Test
    void createIsCreatedThenAnIdenticalRetryIsOkWithTheSameNetwork() {
        String cidr = cidr();
        Http.Response first = createNetwork("blue", cidr);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.fields()).containsExactly("name", "cidr", "gateway", "mtu", "nat", "blockPrefix",
                "allowOverlap", "labels", "revision");
        JsonNode n = first.json();
        assertThat(n.get("name").asText()).isEqualTo("blue");
        assertThat(n.get("cidr").asText()).isEqualTo(cidr);
        assertThat(n.get("gateway").asText()).isEqualTo(cidr.replace("0/24", "1"));
        assertThat(n.get("mtu").isInt()).isTrue();
        assertThat(n.get("mtu").asInt()).isEqualTo(1500);
        assertThat(n.get("nat").asBoolean()).isFalse();
        assertThat(n.get("blockPrefix").asInt()).isEqualTo(26);
        assertThat(n.get("labels").isObject()).isTrue();
        assertThat(n.get("revision").isIntegralNumber()).isTrue();

        Http.Response retry = createNetwork("blue", cidr);
        assertThat(retry.status()).isEqualTo(200);
        JsonNode again = retry.json();
        assertThat(again.get("cidr")).isEqualTo(n.get("cidr"));
        assertThat(again.get("revision").asLong()).isGreaterThanOrEqualTo(n.get("revision").asLong());
    }

    @Test
    void dualStackNetworkShowsItsIpv6Fields() {
        Http.Response r = http.post("/v1/networks", "{\"name\":\"dual\",\"cidr\":\"" + cidr() + "\","
                + "\"cidr6\":\"fd00:1::/64\",\"mtu\":1400,\"nat\":true,\"blockPrefix\":28,\"blockPrefix6\":120,"
                + "\"labels\":{\"team\":\"net\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.fields()).containsExactly("name", "cidr", "cidr6", "gateway", "gateway6", "mtu", "nat",
                "blockPrefix", "blockPrefix6", "allowOverlap", "labels", "revision");
        JsonNode n = r.json();
        assertThat(n.get("cidr6").asText()).isEqualTo("fd00:1::/64");
        assertThat(n.get("gateway6").asText()).isEqualTo("fd00:1::1");
        assertThat(n.get("mtu").asInt()).isEqualTo(1400);
        assertThat(n.get("nat").asBoolean()).isTrue();
        assertThat(n.get("blockPrefix6").asInt()).isEqualTo(120);
        assertThat(n.get("labels").get("team").asText()).isEqualTo("net");
    }

    @Test
    void createWithADifferentSpecIsAlreadyExists() {
        createNetwork("red", cidr());
        Http.Response r = createNetwork("red", cidr());
        assertError(r, 409, "ALREADY_EXISTS");
    }

    @Test
    void getAndListNetworks() {
        String cidr = cidr();
        createNetwork("green", cidr);
        Http.Response one = http.get("/v1/networks/green");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("cidr").asText()).isEqualTo(cidr);
        assertThat(one.json().get("revision").isIntegralNumber()).isTrue();

        Http.Response all = http.get("/v1/networks");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.fields()).containsExactly("networks", "revision");
        assertThat(all.json().get("revision").isIntegralNumber()).isTrue();
        assertThat(all.json().get("networks").findValuesAsText("name")).contains("green");

        Http.Response stale = http.get("/v1/networks/green?stale=true");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(http.get("/v1/networks?stale=true").status()).isEqualTo(200);
    }

    @Test
    void unknownNetworkIsNotFound() {
        assertError(http.get("/v1/networks/nosuch"), 404, "NOT_FOUND");
        assertError(http.delete("/v1/networks/nosuch"), 404, "NOT_FOUND");
        assertError(http.get("/v1/networks/nosuch/allocations"), 404, "NOT_FOUND");
        assertError(http.post("/v1/networks/nosuch/allocations", "{\"endpoint\":\"c1\"}"), 404, "NOT_FOUND");
        assertError(http.delete("/v1/networks/nosuch/allocations/c1"), 404, "NOT_FOUND");
    }

    @Test
    void deleteIsRefusedWhileEndpointsExistThenSucceeds() {
        createNetwork("gone", cidr());
        http.post("/v1/networks/gone/allocations", "{\"endpoint\":\"c1\"}");
        assertError(http.delete("/v1/networks/gone"), 409, "FAILED_PRECONDITION");

        assertThat(http.delete("/v1/networks/gone/allocations/c1").status()).isEqualTo(200);
        Http.Response deleted = http.delete("/v1/networks/gone");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.fields()).containsExactly("revision");
        assertError(http.get("/v1/networks/gone"), 404, "NOT_FOUND");
    }

    @Test
    void allocateIsCreatedThenARetryReturnsTheSameAddress() {
        String cidr = cidr();
        createNetwork("ipam", cidr);
        Http.Response first = http.post("/v1/networks/ipam/allocations", "{\"endpoint\":\"c1\"}");
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.fields()).containsExactly("endpoint", "ip", "revision");
        assertThat(first.json().get("endpoint").asText()).isEqualTo("c1");
        String ip = first.json().get("ip").asText();
        assertThat(ip).startsWith(cidr.substring(0, cidr.indexOf(".0.0/")));

        Http.Response retry = http.post("/v1/networks/ipam/allocations", "{\"endpoint\":\"c1\"}");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("ip").asText()).isEqualTo(ip);

        Http.Response onNode = http.post("/v1/networks/ipam/allocations", "{\"endpoint\":\"c2\",\"node\":\"n1\"}");
        assertThat(onNode.status()).isEqualTo(201);
        assertThat(onNode.fields()).containsExactly("endpoint", "ip", "node", "revision");
        assertThat(onNode.json().get("node").asText()).isEqualTo("n1");

        String wanted = cidr.replace("0/24", "200");
        Http.Response exact = http.post("/v1/networks/ipam/allocations",
                "{\"endpoint\":\"c3\",\"ip\":\"" + wanted + "\"}");
        assertThat(exact.status()).as(exact.toString()).isEqualTo(201);
        assertThat(exact.json().get("ip").asText()).isEqualTo(wanted);

        Http.Response list = http.get("/v1/networks/ipam/allocations");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.fields()).containsExactly("allocations", "revision");
        assertThat(list.json().get("allocations").findValuesAsText("endpoint")).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(http.get("/v1/networks/ipam/allocations?stale=true").status()).isEqualTo(200);
    }

    @Test
    void allocationsCarryTheRuntimeAttachment() {
        createNetwork("att", cidr());
        Http.Response r = http.post("/v1/networks/att/allocations", "{\"endpoint\":\"c1\",\"containerId\":\"abc123\","
                + "\"ifName\":\"eth0\",\"labels\":{\"app\":\"web\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.fields()).containsExactly("endpoint", "ip", "containerId", "ifName", "mac", "labels", "revision");
        assertThat(r.json().get("mac").asText()).matches("0a:58(:[0-9a-f]{2}){4}");
        assertThat(r.json().get("labels").get("app").asText()).isEqualTo("web");

        // an address first, the attachment later, in a second call for the same endpoint
        assertThat(http.post("/v1/networks/att/allocations", "{\"endpoint\":\"c2\"}").fields())
                .containsExactly("endpoint", "ip", "revision");
        Http.Response attached = http.post("/v1/networks/att/allocations",
                "{\"endpoint\":\"c2\",\"containerId\":\"def456\",\"mac\":\"02:00:00:00:00:01\"}");
        assertThat(attached.status()).isEqualTo(200);
        assertThat(attached.json().get("containerId").asText()).isEqualTo("def456");
        assertThat(attached.json().get("mac").asText()).isEqualTo("02:00:00:00:00:01");
        assertThat(http.get("/v1/networks/att/allocations").json().get("allocations").findValuesAsText("containerId"))
                .containsExactlyInAnyOrder("abc123", "def456");

        assertError(http.post("/v1/networks/att/allocations", "{\"endpoint\":\"c2\",\"containerId\":\"other\"}"),
                409, "ALREADY_EXISTS");
        assertError(http.post("/v1/networks/att/allocations", "{\"endpoint\":\"c3\",\"mac\":\"01:00:00:00:00:01\"}"),
                400, "INVALID_ARGUMENT");
    }

    @Test
    void dualStackAllocationHasBothAddresses() {
        http.post("/v1/networks", "{\"name\":\"dual2\",\"cidr\":\"" + cidr() + "\",\"cidr6\":\"fd00:2::/64\"}");
        Http.Response r = http.post("/v1/networks/dual2/allocations", "{\"endpoint\":\"c1\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.fields()).containsExactly("endpoint", "ip", "ip6", "revision");
        assertThat(r.json().get("ip6").asText()).startsWith("fd00:2::");
    }

    @Test
    void releaseIsIdempotent() {
        createNetwork("rel", cidr());
        http.post("/v1/networks/rel/allocations", "{\"endpoint\":\"c1\"}");
        Http.Response first = http.delete("/v1/networks/rel/allocations/c1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.fields()).containsExactly("revision");
        assertThat(http.delete("/v1/networks/rel/allocations/c1").status()).isEqualTo(200);
        assertThat(http.delete("/v1/networks/rel/allocations/never-there").status()).isEqualTo(200);
        assertThat(http.get("/v1/networks/rel/allocations").json().get("allocations").size()).isZero();
    }

    @Test
    void exhaustedPoolIsResourceExhaustedAndChangesNothing() {
        String base = "10." + SUBNET.getAndIncrement() + ".0.";
        assertThat(createNetwork("tiny", base + "0/30").status()).isEqualTo(201);
        // /30: network, gateway, one host, broadcast.
        assertThat(http.post("/v1/networks/tiny/allocations", "{\"endpoint\":\"c1\"}").status()).isEqualTo(201);
        long before = revision();
        assertError(http.post("/v1/networks/tiny/allocations", "{\"endpoint\":\"c2\"}"), 409, "RESOURCE_EXHAUSTED");
        assertThat(revision()).isEqualTo(before);
    }

    @Test
    void nodesRegisterRenewListAndRemove() {
        long before = System.currentTimeMillis();
        Http.Response first = http.put("/v1/nodes/node-a", "{\"site\":\"lab\",\"addresses\":[\"192.0.2.10\"],"
                + "\"publicKey\":\"abc+/=\",\"leaseSeconds\":30}");
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.fields()).containsExactly("name", "site", "addresses", "publicKey", "leaseExpiresAtMillis",
                "revision");
        long expires = first.json().get("leaseExpiresAtMillis").asLong();
        assertThat(expires).isBetween(before + 30_000, System.currentTimeMillis() + 30_000);

        Http.Response renewed = http.put("/v1/nodes/node-a", "{\"site\":\"lab\",\"addresses\":[\"192.0.2.10\"],"
                + "\"publicKey\":\"abc+/=\",\"leaseSeconds\":60}");
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(renewed.json().get("leaseExpiresAtMillis").asLong()).isGreaterThan(expires);

        assertThat(http.put("/v1/nodes/node-b", null).status()).isEqualTo(201);
        Http.Response list = http.get("/v1/nodes");
        assertThat(list.fields()).containsExactly("nodes", "revision");
        assertThat(list.json().get("nodes").findValuesAsText("name")).contains("node-a", "node-b");
        assertThat(http.get("/v1/nodes/node-a").json().get("site").asText()).isEqualTo("lab");
        assertThat(http.get("/v1/nodes?stale=true").status()).isEqualTo(200);

        Http.Response removed = http.delete("/v1/nodes/node-b");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.fields()).containsExactly("revision");
        assertError(http.delete("/v1/nodes/node-b"), 404, "NOT_FOUND");
        assertError(http.get("/v1/nodes/node-b"), 404, "NOT_FOUND");
    }

    @Test
    void clusterStatusShowsMembersWithTheirApiAddress() {
        target.server().announced().join();
        Http.Response r = http.get("/v1/cluster");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.fields()).containsExactly("leader", "term", "commitIndex", "appliedIndex", "members");
        JsonNode self = r.json().get("members").get(0);
        assertThat(Http.fields(self)).containsExactly("id", "address", "apiAddress", "role");
        assertThat(self.get("apiAddress").asText()).isEqualTo(target.url());
        assertThat(self.get("role").asText()).isEqualTo("LEADER");
        assertThat(r.json().get("leader").asText()).isEqualTo(self.get("id").asText());
    }

    @Test
    void snapshotAnswersAnIndex() {
        Http.Response r = http.post("/v1/cluster/snapshot", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.fields()).containsExactly("index");
        assertThat(r.json().get("index").isIntegralNumber()).isTrue();
    }

    @Test
    void stateHashIsADigestOfTheAppliedStateAtItsRevision() {
        Http.Response before = http.get("/v1/debug/state-hash");
        assertThat(before.status()).as(before.toString()).isEqualTo(200);
        assertThat(before.fields()).containsExactly("revision", "hash", "counts");
        assertThat(before.json().get("hash").asText()).matches("[0-9a-f]{64}");
        assertThat(before.json().get("counts").has("network")).isTrue();
        Http.Response again = http.get("/v1/debug/state-hash");
        if (again.json().get("revision").equals(before.json().get("revision"))) {
            assertThat(again.json().get("hash")).isEqualTo(before.json().get("hash"));
        }

        long written = createNetwork("sh", cidr()).json().get("revision").asLong();
        Http.Response after = http.get("/v1/debug/state-hash");
        assertThat(after.json().get("revision").asLong()).isGreaterThanOrEqualTo(written);
        assertThat(after.json().get("hash")).isNotEqualTo(before.json().get("hash"));
    }

    @Test
    void healthAndReadiness() {
        assertThat(http.get("/healthz").status()).isEqualTo(200);
        Http.Response ready = http.get("/readyz");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
    }

    @Test
    void watchStreamsEventsInOrderFromARevision() {
        long from = revision() + 1;
        createNetwork("w1", cidr());
        http.post("/v1/networks/w1/allocations", "{\"endpoint\":\"c1\"}");
        http.delete("/v1/networks/w1/allocations/c1");

        try (NdjsonReader watch = new NdjsonReader(target.url() + "/v1/watch?from=" + from)) {
            assertThat(watch.status()).isEqualTo(200);
            assertThat(watch.contentType()).startsWith("application/x-ndjson");
            JsonNode created = nextWithKey(watch, "network/w1");
            assertThat(Http.fields(created)).containsExactly("revision", "events");
            JsonNode put = created.get("events").get(0);
            assertThat(Http.fields(put)).containsExactly("type", "key", "object");
            assertThat(put.get("type").asText()).isEqualTo("PUT");
            assertThat(put.get("object").get("name").asText()).isEqualTo("w1");
            assertThat(put.get("object").has("revision")).isFalse();

            JsonNode allocated = nextWithKey(watch, "endpoint/w1/c1");
            assertThat(allocated.get("revision").asLong()).isGreaterThan(created.get("revision").asLong());
            JsonNode released = nextWithKey(watch, "endpoint/w1/c1");
            assertThat(released.get("revision").asLong()).isGreaterThan(allocated.get("revision").asLong());
            JsonNode delete = released.get("events").get(0);
            assertThat(delete.get("type").asText()).isEqualTo("DELETE");
            assertThat(delete.has("object")).isFalse();

            // and live changes keep coming on the same stream
            createNetwork("w2", cidr());
            assertThat(nextWithKey(watch, "network/w2").get("revision").asLong())
                    .isGreaterThan(released.get("revision").asLong());
        }
    }

    @Test
    void docServiceDescribesBothSurfaces() {
        assertThat(http.get("/docs/").status()).isEqualTo(200);
        Http.Response spec = http.get("/docs/specification.json");
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.body()).contains("qnf.v1.Networks", "qnf.v1.Watch", "dev.qnf.api.rest.NetworksApi");
    }

    @Test
    void watchRejectsABadRevision() {
        assertError(http.get("/v1/watch?from=-1"), 400, "INVALID_ARGUMENT");
        assertError(http.get("/v1/watch?from=abc"), 400, "INVALID_ARGUMENT");
    }

    @Test
    void metricsExposeRaftFabricAndRequestMetrics() {
        http.get("/v1/networks");
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("qnf_raft_term", "qnf_raft_commit_index", "qnf_raft_applied_index",
                "qnf_raft_leader_known 1.0", "qnf_raft_role{role=\"leader\"} 1.0", "qnf_fabric_revision",
                "qnf_fabric_objects{kind=\"network\"}", "qnf_api_requests_total", "qnf_api_request_duration_seconds",
                "http_status=\"200\"");
    }

    /** The next line that has an event for {@code key}; lines for other keys (from other tests) are skipped. */
    protected static JsonNode nextWithKey(NdjsonReader watch, String key) {
        for (int i = 0; i < 1000; i++) {
            JsonNode line = watch.next();
            if (line.has("events") && line.get("events").findValuesAsText("key").contains(key)) {
                return line;
            }
        }
        throw new AssertionError("no event for " + key);
    }

    protected static void assertError(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.fields()).as(r.toString()).containsExactly("code", "message");
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).isNotBlank();
    }
}
