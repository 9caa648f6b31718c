package dev.qnf.api.rest;

import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input is a 4xx with {@code {"code","message"}}, never a 500, and never changes the state: after every case
 * the revision is where it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RestErrorContract {
    protected Target target;
    protected Http http;
    private long revision;

    protected abstract Target start() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        target = start();
        http = new Http(target.url());
        target.server().announced().join();
        assertThat(http.post("/v1/networks", "{\"name\":\"base\",\"cidr\":\"10.200.0.0/16\"}").status()).isEqualTo(201);
        revision = revision();
    }

    @AfterAll
    void stopServer() {
        if (target != null) {
            target.close();
        }
    }

    private long revision() {
        return http.get("/v1/networks").json().get("revision").asLong();
    }

    private void refused(Http.Response r, int status, String code, String messagePart) {
        RestContract.assertError(r, status, code);
        assertThat(r.json().get("message").asText()).containsIgnoringCase(messagePart);
        assertThat(revision()).as("revision after " + r).isEqualTo(revision);
    }

    private Http.Response create(String json) {
        return http.post("/v1/networks", json);
    }

    @Test
    void malformedCidr() {
        refused(create("{\"name\":\"x\",\"cidr\":\"10.0.0/24\"}"), 400, "INVALID_ARGUMENT", "IPv4");
        refused(create("{\"name\":\"x\",\"cidr\":\"not-a-cidr\"}"), 400, "INVALID_ARGUMENT", "CIDR");
        refused(create("{\"name\":\"x\",\"cidr\":\"10.0.0.0/33\"}"), 400, "INVALID_ARGUMENT", "prefix");
    }

    @Test
    void hostBitsSet() {
        refused(create("{\"name\":\"x\",\"cidr\":\"10.1.0.1/24\"}"), 400, "INVALID_ARGUMENT", "host bits");
    }

    @Test
    void missingOrInvalidFields() {
        refused(create("{\"cidr\":\"10.1.0.0/24\"}"), 400, "INVALID_ARGUMENT", "name");
        refused(create("{\"name\":\"Bad_Name\",\"cidr\":\"10.1.0.0/24\"}"), 400, "INVALID_ARGUMENT", "name");
        refused(create("{\"name\":\"x\"}"), 400, "INVALID_ARGUMENT", "CIDR");
        refused(create("{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"mtu\":100}"), 400, "INVALID_ARGUMENT", "mtu");
        refused(create("{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"gateway\":\"10.9.0.1\"}"), 400,
                "INVALID_ARGUMENT", "outside");
    }

    @Test
    void overlapIsAlreadyExists() {
        refused(create("{\"name\":\"x\",\"cidr\":\"10.200.1.0/24\"}"), 409, "ALREADY_EXISTS", "overlaps");
    }

    @Test
    void unknownNetwork() {
        refused(http.post("/v1/networks/nosuch/allocations", "{\"endpoint\":\"c1\"}"), 404, "NOT_FOUND", "nosuch");
    }

    @Test
    void badAllocationInput() {
        refused(http.post("/v1/networks/base/allocations", "{\"endpoint\":\"\"}"), 400, "INVALID_ARGUMENT", "endpoint");
        refused(http.post("/v1/networks/base/allocations", "{\"endpoint\":\"c1\",\"ip\":\"300.1.1.1\"}"), 400,
                "INVALID_ARGUMENT", "IPv4");
        refused(http.post("/v1/networks/base/allocations", "{\"endpoint\":\"c1\",\"node\":\"NODE!\"}"), 400,
                "INVALID_ARGUMENT", "node");
    }

    @Test
    void badNodeInput() {
        refused(http.put("/v1/nodes/n1", "{\"addresses\":[\"example.com\"]}"), 400, "INVALID_ARGUMENT", "example.com");
        refused(http.put("/v1/nodes/n1", "{\"leaseSeconds\":0}"), 400, "INVALID_ARGUMENT", "leaseSeconds");
        refused(http.put("/v1/nodes/n1", "{\"site\":\"Not A Site\"}"), 400, "INVALID_ARGUMENT", "site");
        refused(http.put("/v1/nodes/BAD_NAME", "{}"), 400, "INVALID_ARGUMENT", "node name");
    }

    @Test
    void unknownFieldIsNamed() {
        refused(create("{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"mtuu\":1400}"), 400, "INVALID_ARGUMENT", "'mtuu'");
        refused(http.post("/v1/networks/base/allocations", "{\"endpoint\":\"c1\",\"nodes\":\"n\"}"), 400,
                "INVALID_ARGUMENT", "'nodes'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"mtu\":\"1500\"}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"mtu\":1500.5}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"nat\":\"yes\"}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"nat\":1}",
            "{\"name\":7,\"cidr\":\"10.1.0.0/24\"}",
            "{\"name\":\"x\",\"cidr\":[\"10.1.0.0/24\"]}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"labels\":[\"a\"]}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"labels\":{\"a\":{\"b\":\"c\"}}}",
            "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"mtu\":99999999999999999999}"
    })
    void wrongTypesAreRefusedAndNamed(String body) {
        Http.Response r = create(body);
        RestContract.assertError(r, 400, "INVALID_ARGUMENT");
        assertThat(r.json().get("message").asText()).containsAnyOf("mtu", "nat", "name", "cidr", "labels");
        assertThat(revision()).isEqualTo(revision);
    }

    @Test
    void malformedEmptyNullAndNonObjectBodies() {
        refused(create("{\"name\":\"x\","), 400, "INVALID_ARGUMENT", "JSON");
        refused(create(""), 400, "INVALID_ARGUMENT", "empty");
        refused(create("null"), 400, "INVALID_ARGUMENT", "object");
        refused(create("[1,2]"), 400, "INVALID_ARGUMENT", "object");
        refused(create("{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\"} trailing"), 400, "INVALID_ARGUMENT", "JSON");
        refused(create("{\"name\":\"x\",\"name\":\"y\",\"cidr\":\"10.1.0.0/24\"}"), 400, "INVALID_ARGUMENT", "duplicate");
    }

    @Test
    void deeplyNestedJson() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        refused(create(deep), 400, "INVALID_ARGUMENT", "");
        String deepField = "{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"labels\":" + "{\"a\":".repeat(5000) + "1"
                + "}".repeat(5000) + "}";
        refused(create(deepField), 400, "INVALID_ARGUMENT", "");
    }

    @Test
    void oversizedBodyIs413() {
        byte[] big = ("{\"name\":\"x\",\"cidr\":\"10.1.0.0/24\",\"labels\":{\"a\":\"" + "b".repeat(1100 * 1024) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        refused(http.send("POST", "/v1/networks", big), 413, "PAYLOAD_TOO_LARGE", "large");
    }

    @Test
    void unknownRouteAndMethod() {
        refused(http.get("/v1/nope"), 404, "NOT_FOUND", "/v1/nope");
        Http.Response r = http.send("PATCH", "/v1/networks", new byte[0]);
        assertThat(r.status()).isIn(404, 405);
        assertThat(r.fields()).containsExactly("code", "message");
    }

    @Test
    void badQueryParameter() {
        refused(http.get("/v1/networks?stale=maybe"), 400, "INVALID_ARGUMENT", "");
    }

    @Test
    void badClusterInput() {
        refused(http.post("/v1/cluster/members", "{\"id\":\"s9\",\"address\":\"no-port\"}"), 400,
                "INVALID_ARGUMENT", "host:port");
        refused(http.post("/v1/cluster/members", "{\"id\":\"S 9\",\"address\":\"127.0.0.1:1\"}"), 400,
                "INVALID_ARGUMENT", "S 9");
        refused(http.delete("/v1/cluster/members/nobody"), 404, "NOT_FOUND", "nobody");
        refused(http.post("/v1/cluster/leader", "{\"id\":\"nobody\"}"), 404, "NOT_FOUND", "nobody");
    }
}
