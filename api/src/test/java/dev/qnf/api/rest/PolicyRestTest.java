package dev.qnf.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.PolicyDefaultView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.policy.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Policies, explain, identities and endpoint labels over REST on a real single-node Raft replica. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyRestTest {
    static final String FILE = """
            {"policies": [
               {"namespace": "shop", "name": "api-in", "selector": {"matchLabels": {"app": "api"}},
                "ingress": [{"from": [{"endpoints": {"matchLabels": {"app": "web"}}}],
                             "ports": [{"protocol": "tcp", "port": 8080, "endPort": 8090}]},
                            {"action": "deny", "from": [{"endpoints": {"matchLabels": {"legacy": "true"}}}]}]},
               {"namespace": "shop", "name": "web-out", "selector": {"matchLabels": {"app": "web"}},
                "egress": [{"to": [{"endpoints": {"matchLabels": {"app": "api"}}},
                                   {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}]}]}],
             "defaults": {"pol": "deny"},
             "tests": [{"from": "pol/web", "to": "pol/api", "port": 8080, "expect": "allow"},
                       {"from": "pol/api", "to": "pol/web", "port": 8080, "expect": "deny"},
                       {"from": "pol:app=web,legacy=true,k8s.qnf.dev/namespace=shop", "to": "pol/api", "port": 8080,
                        "expect": "deny"}]}
            """;

    Target target;
    Http http;

    @BeforeAll
    void start() {
        target = ReplicaServers.single("policy-r1");
        http = new Http(target.url());
        target.server().announced().join();
        assertThat(http.post("/v1/networks", "{\"name\":\"pol\",\"cidr\":\"10.77.0.0/24\"}").status()).isEqualTo(201);
        for (String[] e : new String[][]{{"web", "web"}, {"api", "api"}}) {
            Http.Response r = http.post("/v1/networks/pol/allocations", "{\"endpoint\":\"" + e[0]
                    + "\",\"containerId\":\"" + e[0] + "\",\"labels\":{\"app\":\"" + e[1]
                    + "\",\"k8s.qnf.dev/namespace\":\"shop\"}}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
        Http.Response applied = http.post("/v1/policies", FILE);
        assertThat(applied.status()).as(applied.toString()).isEqualTo(201);
        assertThat(applied.json().get("policies").toString()).isEqualTo("[\"shop/api-in\",\"shop/web-out\"]");
        assertThat(applied.json().get("testsPassed").asInt()).isEqualTo(3);
    }

    @AfterAll
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    long revision() {
        return http.get("/v1/policies").json().get("revision").asLong();
    }

    @Test
    void listAndGetAnswerTheWireFormThatWasApplied() {
        JsonNode list = http.get("/v1/policies?namespace=shop").json();
        assertThat(list.get("policies")).hasSize(2);
        assertThat(list.get("defaults").get("pol").asText()).isEqualTo("deny");
        Http.Response one = http.get("/v1/policies/shop/api-in");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("ingress").get(0).get("ports").get(0).get("endPort").asInt()).isEqualTo(8090);
        assertThat(one.json().get("ingress").get(1).get("action").asText()).isEqualTo("deny");
        assertThat(http.get("/v1/policies/shop/nope").status()).isEqualTo(404);
        assertThat(http.get("/v1/policies?namespace=other").json().get("policies")).isEmpty();
    }

    @Test
    void explainNamesTheDecidingRules() {
        JsonNode allow = http.get("/v1/policy/explain?from=pol/web&to=pol/api&port=8085&proto=tcp").json();
        assertThat(allow.get("verdict").asText()).isEqualTo("allow");
        List<String> decided = new ArrayList<>();
        allow.get("reasons").forEach(r -> decided.add(r.get("direction").asText() + " " + r.get("policy").asText()
                + "[" + r.get("rule").asInt() + "]"));
        assertThat(decided).containsExactly("egress shop/web-out[0]", "ingress shop/api-in[0]");

        JsonNode deny = http.get("/v1/policy/explain?from=pol/api&to=pol/web&port=8080").json();
        assertThat(deny.get("verdict").asText()).isEqualTo("deny");
        assertThat(deny.get("reasons").get(0).get("text").asText()).contains("network pol denies by default");
        assertThat(deny.get("reasons").get(0).has("policy")).isFalse();

        JsonNode out = http.get("/v1/policy/explain?from=web&to=192.0.2.1&port=443").json();
        assertThat(out.get("verdict").asText()).isEqualTo("allow");
        assertThat(out.get("to").asText()).isEqualTo("world 192.0.2.1");
    }

    @Test
    void badExplainsAreClientErrors() {
        RestContract.assertError(http.get("/v1/policy/explain?from=pol/web&to=pol/api"), 400, "INVALID_ARGUMENT");
        RestContract.assertError(http.get("/v1/policy/explain?from=pol/web&to=pol/api&port=x"), 400, "INVALID_ARGUMENT");
        RestContract.assertError(http.get("/v1/policy/explain?from=pol/web&to=pol/api&port=1&proto=gre"), 400,
                "INVALID_ARGUMENT");
        RestContract.assertError(http.get("/v1/policy/explain?to=pol/api&port=1"), 400, "INVALID_ARGUMENT");
        RestContract.assertError(http.get("/v1/policy/explain?from=pol/ghost&to=pol/api&port=1"), 404, "NOT_FOUND");
    }

    @Test
    void aFailingTestRejectsTheApplyWithTheFailuresAndChangesNothing() {
        long before = revision();
        Http.Response r = http.post("/v1/policies", """
                {"policies": [{"namespace": "shop", "name": "api-in", "selector": {"matchLabels": {"app": "api"}},
                               "isolate": ["ingress"]}],
                 "tests": [{"from": "pol/web", "to": "pol/api", "port": 8080, "expect": "allow"}]}
                """);
        RestContract.assertError(r, 409, "FAILED_PRECONDITION");
        assertThat(r.json().get("message").asText()).contains("1 of 1 policy test(s) failed",
                "FAIL pol/web -> pol/api tcp/8080 expect allow: got deny");
        assertThat(revision()).isEqualTo(before);
        assertThat(http.get("/v1/policies/shop/api-in").json().get("ingress")).hasSize(2);
    }

    @Test
    void malformedPolicyFilesAre400AndChangeNothing() {
        long before = revision();
        for (String body : List.of(
                "{\"policies\":[{\"name\":\"x\",\"ingress\":[{\"to\":[{\"entity\":\"world\"}]}]}]}",
                "{\"policies\":[{\"name\":\"x\",\"ingress\":[{\"ports\":[{\"protocol\":\"gre\"}]}]}]}",
                "{\"policies\":[{\"name\":\"x\",\"egress\":[{\"to\":[{\"cidr\":\"10.0.0.0/8\",\"except\":[\"11.0.0.0/8\"]}]}]}]}",
                "{\"policies\":[{\"name\":\"x\",\"selektor\":{}}]}",
                "{\"policies\":[{\"name\":\"Bad Name\"}]}",
                "{\"tests\":[{\"from\":\"pol/web\",\"to\":\"pol/api\",\"port\":80,\"expect\":\"maybe\"}]}",
                "{\"defaults\":{\"pol\":\"sometimes\"}}",
                "{}",
                "{\"policies\":[],\"tests\":[]}")) {
            Http.Response r = http.post("/v1/policies", body);
            RestContract.assertError(r, 400, "INVALID_ARGUMENT");
        }
        RestContract.assertError(http.post("/v1/policies", "{\"defaults\":{\"nosuch\":\"allow\"}}"), 404, "NOT_FOUND");
        assertThat(revision()).isEqualTo(before);
    }

    @Test
    void labellingAnEndpointMovesItToAnotherIdentity() {
        Http.Response created = http.post("/v1/networks/pol/allocations",
                "{\"endpoint\":\"extra\",\"labels\":{\"app\":\"web\",\"k8s.qnf.dev/namespace\":\"shop\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode ids = http.get("/v1/identities").json().get("identities");
        long web = -1;
        for (JsonNode i : ids) {
            if ("web".equals(i.get("labels").path("app").asText()) && i.get("labels").size() == 2) {
                web = i.get("id").asLong();
            }
        }
        assertThat(web).isGreaterThanOrEqualTo(Identity.FIRST_ALLOCATED);
        Http.Response labelled = http.post("/v1/networks/pol/allocations/extra/labels",
                "{\"set\":{\"tier\":\"canary\"},\"remove\":[\"app\"]}");
        assertThat(labelled.status()).as(labelled.toString()).isEqualTo(200);
        assertThat(labelled.json().get("labels").toString()).contains("\"tier\":\"canary\"").doesNotContain("\"app\"");
        assertThat(http.get("/v1/identities").json().get("identities").toString()).contains("\"tier\":\"canary\"");
        RestContract.assertError(http.post("/v1/networks/pol/allocations/ghost/labels", "{\"set\":{\"a\":\"b\"}}"),
                404, "NOT_FOUND");
        RestContract.assertError(http.post("/v1/networks/pol/allocations/extra/labels", "{}"), 400,
                "INVALID_ARGUMENT");
        assertThat(http.delete("/v1/networks/pol/allocations/extra").status()).isEqualTo(200);
    }

    @Test
    void deleteRemovesAPolicyOnce() {
        assertThat(http.post("/v1/policies", "{\"policies\":[{\"namespace\":\"tmp\",\"name\":\"gone\",\"isolate\":[\"egress\"]}]}")
                .status()).isEqualTo(201);
        assertThat(http.delete("/v1/policies/tmp/gone").status()).isEqualTo(200);
        RestContract.assertError(http.delete("/v1/policies/tmp/gone"), 404, "NOT_FOUND");
    }

    @Test
    void watchObjectsConvertBackToTheDomainRecords() {
        Policy p = PolicyViews.toPolicy(Json.lenient().convertValue(
                Http.parse(http.get("/v1/policies/shop/web-out").body()), PolicyView.class));
        JsonNode line = Views.object(p);
        assertThat(PolicyViews.toPolicy(Json.lenient().convertValue(line, PolicyView.class))).isEqualTo(p);
        Identity i = new Identity(300, "pol", Map.of("app", "x"));
        assertThat(PolicyViews.toIdentity(Json.lenient().convertValue(Views.object(i), IdentityView.class)))
                .isEqualTo(i);
        PolicyDefault d = new PolicyDefault("pol", Verdict.ALLOW);
        assertThat(PolicyViews.toDefault(Json.lenient().convertValue(Views.object(d), PolicyDefaultView.class)))
                .isEqualTo(d);
    }
}
