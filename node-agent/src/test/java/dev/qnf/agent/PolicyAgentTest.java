package dev.qnf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.agent.nft.Lab;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestControlPlane;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.api.json.PolicyFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Policies end to end on one host: a real control plane, a real agent, containers added through the CNI plugin with
 * labels, policies applied through the API; traffic over TCP and UDP, and the counters on the agent's /metrics.
 */
@Tag("root")
class PolicyAgentTest {
    static final int TCP = 8080;
    static final int UDP = 5300;
    static final int DENIED_WAIT = 700;
    static final int PATIENT = 4000;
    static TestControlPlane cp;

    @BeforeAll
    static void controlPlane(@TempDir Path dir) throws Exception {
        dev.qnf.agent.testing.TestNamespaces.assumeRoot();
        cp = TestControlPlane.start(dir.resolve("cp"));
        cp.network("pol", "10.97.0.0/24", null, false);
        cp.policyDefault("pol", "deny");
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void containersAreAllowedOrDeniedAsThePoliciesSayFromTheirFirstPacket(@TempDir Path dir) throws Exception {
        apply("""
                {"policies": [
                  {"name": "web", "selector": {"matchLabels": {"app": "web"}},
                   "ingress": [{"action": "allow", "from": [{"endpoints": {"matchLabels": {"app": "client"}}}],
                                "ports": [{"protocol": "tcp", "port": 8080}, {"protocol": "udp", "port": 5300}]}]},
                  {"name": "client", "selector": {"matchLabels": {"app": "client"}},
                   "egress": [{"action": "allow", "to": [{"endpoints": {"matchLabels": {"app": "web"}}}]}]}]}""");
        try (AgentLab lab = AgentLab.startWithMetrics(cp, dir, "node-p")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            NetNs c3 = lab.container("c3");
            List<AutoCloseable> servers = new ArrayList<>();
            try {
                for (NetNs c : List.of(c1, c2, c3)) {
                    servers.add(new Lab.Server(c, TCP));
                    servers.add(new Lab.UdpEcho(c, UDP));
                }
                String ip2 = address(lab.add("pol", "p2", c2, "QNF_LABELS=app=web", c -> { }));
                JsonNode added1 = lab.add("pol", "p1", c1, "QNF_LABELS=app=client", c -> { });
                String ip1 = address(added1);
                // no waiting: what ADD answered is already enforced, down to the container's bridge port (the host
                // end, interface 0 of the answer), held to the container's MAC (interface 1) and address
                String port = added1.path("interfaces").get(0).path("name").asText();
                String guard = TestNamespaces.sh("ip", "netns", "exec", AgentLab.nameOf(lab.host), "nft", "list",
                        "table", "bridge", "qnf");
                assertThat(guard).contains("\"" + port + "\" . " + added1.path("interfaces").get(1).path("mac").asText())
                        .contains("\"" + port + "\" . " + ip1);
                assertThat(tcp(c1, ip2, true)).as("client → web TCP").isTrue();
                assertThat(udp(c1, ip2, true)).as("client → web UDP").isTrue();
                String ip3 = address(lab.add("pol", "p3", c3, "QNF_LABELS=app=db", c -> { }));
                assertThat(tcp(c3, ip2, false)).as("db → web: no rule").isFalse();
                assertThat(udp(c3, ip2, false)).isFalse();
                assertThat(tcp(c2, ip1, false)).as("web → client: replies only").isFalse();
                assertThat(tcp(c1, ip3, false)).as("client → db: no rule yet").isFalse();
                assertThat(udp(c1, ip3, false)).isFalse();

                String metrics = lab.scrape();
                assertThat(value(metrics, "default/web", "ingress", "allow")).isGreaterThanOrEqualTo(2);
                assertThat(value(metrics, "default/client", "egress", "allow")).isGreaterThanOrEqualTo(2);
                assertThat(value(metrics, "(default)", "egress", "deny"))
                        .as("db → web, web → client, client → db: each sender has no egress rule for it")
                        .isGreaterThanOrEqualTo(3);

                apply("""
                        {"policies": [
                          {"name": "db", "selector": {"matchLabels": {"app": "db"}},
                           "ingress": [{"action": "allow", "from": [{"endpoints": {"matchLabels": {"app": "client"}}}],
                                        "ports": [{"protocol": "tcp", "port": 8080}]}]},
                          {"name": "client", "selector": {"matchLabels": {"app": "client"}},
                           "egress": [{"action": "allow", "to": [{"endpoints": {"matchLabels": {"app": "web"}}},
                                                                  {"endpoints": {"matchLabels": {"app": "db"}}}]}]}]}""");
                await().atMost(Duration.ofSeconds(60)).until(() -> tcp(c1, ip3, false));
                assertThat(udp(c1, ip3, false)).as("the db policy allows TCP only").isFalse();
                assertThat(tcp(c3, ip2, false)).as("still no rule").isFalse();
                assertThat(tcp(c1, ip2, true)).isTrue();
                assertThat(value(lab.scrape(), "default/db", "ingress", "allow")).isGreaterThanOrEqualTo(1);

                // DEL takes the port's elements away before it answers
                assertThat(lab.del("pol", "p1", c1).exit()).isZero();
                assertThat(TestNamespaces.sh("ip", "netns", "exec", AgentLab.nameOf(lab.host), "nft", "list", "table",
                        "bridge", "qnf")).doesNotContain("\"" + port + "\"").contains(ip2);
            } finally {
                for (AutoCloseable s : servers) {
                    s.close();
                }
            }
        }
    }

    private static void apply(String json) throws IOException {
        cp.client().applyPolicies(new ObjectMapper().readValue(json, PolicyFile.class));
    }

    private static boolean tcp(NetNs from, String address, boolean expected) {
        try {
            return "hi".equals(Lab.connect(from, address, TCP, expected ? PATIENT : DENIED_WAIT));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean udp(NetNs from, String address, boolean expected) {
        return Lab.udpAnswered(from, address, UDP, expected ? PATIENT : DENIED_WAIT);
    }

    private static String address(JsonNode result) {
        String a = result.path("ips").get(0).path("address").asText();
        return a.substring(0, a.indexOf('/'));
    }

    static double value(String metrics, String policy, String direction, String verdict) {
        Matcher m = Pattern.compile("qnf_policy_packets_total\\{direction=\"" + direction + "\",policy=\""
                + Pattern.quote(policy) + "\",verdict=\"" + verdict + "\"} ([0-9.E]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
