package dev.qnf.agent.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics over real HTTP: agent counters and policy counters read from a (fake) kernel at scrape time. */
class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aScrapeReadsThePolicyCountersAndShowsTheAgentCounters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentMetrics agent = new AgentMetrics(registry);
        agent.cniCall("ADD", 0);
        agent.cniCall("ADD", 7);
        Map<String, Long> kernel = new HashMap<>(Map.of("allow-in-ns/web", 3L, "deny-out-h-0011223344556677", 2L,
                "default-deny-in", 5L));
        PolicyCounters counters = new PolicyCounters(registry, () -> Map.copyOf(kernel),
                () -> Map.of("ns/web", "ns/web", "h-0011223344556677", "ns/odd name"));
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), registry, counters::refresh)) {
            String body = scrape(server);
            assertThat(body).contains("qnf_agent_cni_calls_total{code=\"0\",result=\"ok\",verb=\"ADD\"} 1.0")
                    .contains("qnf_agent_cni_calls_total{code=\"7\",result=\"error\",verb=\"ADD\"} 1.0")
                    .contains("qnf_policy_packets_total{direction=\"ingress\",policy=\"ns/web\",verdict=\"allow\"} 3.0")
                    .contains("qnf_policy_packets_total{direction=\"egress\",policy=\"ns/odd name\",verdict=\"deny\"} 2.0")
                    .contains("qnf_policy_packets_total{direction=\"ingress\",policy=\"(default)\",verdict=\"deny\"} 5.0");
            kernel.put("allow-in-ns/web", 10L);
            kernel.remove("deny-out-h-0011223344556677");
            body = scrape(server);
            assertThat(body).contains("qnf_policy_packets_total{direction=\"ingress\",policy=\"ns/web\",verdict=\"allow\"} 10.0")
                    .doesNotContain("odd name");
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.address().getPort() + "/nope")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void counterNamesThatAreNotPolicyCountersAreIgnored() {
        assertThat(PolicyCounters.tags("allow-out-a/b", Map.of())).isEqualTo(List.of("a/b", "egress", "allow"));
        assertThat(PolicyCounters.tags("default-deny-out", Map.of())).isEqualTo(List.of("(default)", "egress", "deny"));
        assertThat(PolicyCounters.tags("something", Map.of())).isNull();
        assertThat(PolicyCounters.tags("mine-in-x", Map.of())).isNull();
    }

    private String scrape(MetricsServer server) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
