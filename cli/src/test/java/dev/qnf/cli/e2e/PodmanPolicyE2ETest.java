package dev.qnf.cli.e2e;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.cli.e2e.PodmanFixture.Container;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Network policy with a real container runtime, the newcomer's path of docs/policy.md: podman containers on a
 * default-deny QNF network, one labelled by the runtime ({@code QNF_LABELS} in the {@code CNI_ARGS} podman hands on
 * to the plugin), two through {@code qnf endpoint label} after they started, a policy file with tests applied with
 * {@code qnf policy apply -f}; then the allowed flow works over TCP and UDP (a datagram each way), the denied ones
 * (TCP, UDP and ICMP) do not, {@code explain} names the deciding rules, a changed policy file flips the pairs within
 * seconds, and the agent's {@code qnf_policy_packets_total} counters move, for UDP traffic alone too. UDP goes
 * through {@link ContainerUdp} (sockets in the containers' namespaces: busybox-static's nc has no {@code -u}).
 *
 * <p>This is also the regression test of the agent's watch stalling after labels were written over mTLS: the
 * labels and policies reach the agent only through its watch.
 */
@Tag("root")
@Tag("podman")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@EnabledIf(value = "dev.qnf.cli.e2e.PodmanQnfE2ETest#agentCommandsExist",
        disabledReason = "pending: this build has no `qnf agent` / `qnf cni install`")
class PodmanPolicyE2ETest {
    static final String NETWORK = "pol";
    static final String CIDR = "10.78.0.0/16";
    /** Where the agent serves /metrics, in the fixture's private host namespace. */
    static final String METRICS = "127.0.0.1:9464";
    /** How long the data plane may take to follow a policy or label change. */
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final int UDP_PORT = 5000;
    /** How long an allowed datagram may take to come back (sent again every 500 ms meanwhile). */
    static final Duration UDP_ALLOWED_WITHIN = Duration.ofSeconds(10);
    /** How long a denied datagram is sent, and must not arrive, before the flow counts as denied. */
    static final Duration UDP_DENIED_FOR = Duration.ofSeconds(3);

    static final String POLICIES = """
            # srv takes HTTP and UDP 5000 from %1$s only; %1$s may call srv on both; everything else, %2$s included,
            # is denied (network default)
            policies:
              - name: srv-in
                selector: {matchLabels: {app: srv}}
                ingress:
                  - from: [{endpoints: {matchLabels: {app: %1$s}}}]
                    ports: [{protocol: tcp, port: 80}, {protocol: udp, port: 5000}]
              - name: %1$s-out
                selector: {matchLabels: {app: %1$s}}
                egress:
                  - to: [{endpoints: {matchLabels: {app: srv}}}]
                    ports: [{protocol: tcp, port: 80}, {protocol: udp, port: 5000}]
            tests:
              - {from: "pol:app=%1$s", to: "pol:app=srv", port: 80, expect: allow}
              - {from: "pol:app=%1$s", to: "pol:app=srv", port: 5000, proto: udp, expect: allow}
              - {from: "pol:app=%2$s", to: "pol:app=srv", port: 80, expect: deny}
              - {from: "pol:app=%2$s", to: "pol:app=srv", port: 5000, proto: udp, expect: deny}
              - {from: "pol:app=%1$s", to: "pol:app=srv", proto: icmp, expect: deny}
              - {from: "pol:app=srv", to: "pol:app=%1$s", port: 80, expect: deny}
              - {from: "pol:app=srv", to: "pol:app=%1$s", port: 5000, proto: udp, expect: deny}
            """;

    static PodmanFixture podman;
    static QnfOnPodman qnf;
    static String net;

    @RegisterExtension
    final AfterTestExecutionCallback diagnostics = PodmanFixture.describeOnFailure(() -> podman,
            () -> qnf == null ? "" : qnf.agent.logTail(80));

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        podman = PodmanFixture.start();
        qnf = QnfOnPodman.start(podman, dir, List.of("--metrics-listen", METRICS));
        // no "defaults": the network denies by default
        net = qnf.install(new NetworkRequest(NETWORK, CIDR, null, null, null, null, null, null, null, null, null));
    }

    @AfterAll
    static void stop() {
        try {
            if (qnf != null) {
                qnf.close();
            }
        } finally {
            if (podman != null) {
                podman.close();
            }
        }
    }

    @Test
    void containersAreAllowedAndDeniedAsThePolicyFileSays(@TempDir Path dir) throws IOException {
        // srv is labelled by the runtime: podman hands its own CNI_ARGS on to the plugin
        Container srv = podman.run(net, "srv", Map.of("CNI_ARGS", "QNF_LABELS=app=srv"), List.of("--hostname", "srv"),
                "httpd", "-f", "-p", "80", "-h", "/etc");
        assertThat(allocationOf(srv).labels()).containsEntry("app", "srv").containsEntry("name", "srv");
        Container cli = podman.run(net, "cli", List.of(), "sleep", "600");
        Container other = podman.run(net, "other", List.of(), "sleep", "600");
        try (ContainerUdp.Listener srvUdp = new ContainerUdp.Listener(srv, UDP_PORT);
             ContainerUdp.Listener cliUdp = new ContainerUdp.Listener(cli, UDP_PORT)) {
            assertThat(get(cli, srv)).as("default deny before any label or policy").isEmpty();
            assertUdpDenied(cli, srv, srvUdp);

            // cli and other are labelled through the API after they started
            for (Container c : List.of(cli, other)) {
                Sh.Result labelled = qnf.cli("endpoint", "label", NETWORK + "/" + endpointOf(c), "app=" + c.name());
                assertThat(labelled.exit()).as("%s", labelled).isZero();
            }
            Path v1 = Files.writeString(dir.resolve("v1.yaml"), POLICIES.formatted("cli", "other"));
            Sh.Result applied = qnf.cli("policy", "apply", "-f", v1.toString());
            assertThat(applied.exit()).as("%s", applied).isZero();
            assertThat(applied.out()).contains("applied 2 policies, 7 test(s) passed");

            await().atMost(CONVERGE).untilAsserted(() -> assertThat(get(cli, srv)).isEqualTo("srv"));
            double allowedBefore = counter("default/srv-in", "ingress", "allow");
            double deniedBefore = counter("(default)", "egress", "deny");
            assertThat(get(cli, srv)).isEqualTo("srv");
            assertThat(get(other, srv)).as("other has no egress rule").isEmpty();
            assertThat(ping(cli, srv)).as("ICMP is not allowed").isFalse();
            assertThat(get(srv, cli)).as("the reverse direction").isEmpty();
            assertThat(counter("default/srv-in", "ingress", "allow")).isGreaterThan(allowedBefore);
            assertThat(counter("(default)", "egress", "deny")).isGreaterThan(deniedBefore);

            // the same pairs over UDP, each verdict moving its counters with UDP traffic alone
            double udpIn = counter("default/srv-in", "ingress", "allow");
            double udpOut = counter("default/cli-out", "egress", "allow");
            assertUdpAllowed(cli, srv, srvUdp);
            assertThat(counter("default/srv-in", "ingress", "allow")).as("UDP counted in").isGreaterThan(udpIn);
            assertThat(counter("default/cli-out", "egress", "allow")).as("UDP counted out").isGreaterThan(udpOut);
            double udpDenied = counter("(default)", "egress", "deny");
            assertUdpDenied(other, srv, srvUdp);
            assertThat(counter("(default)", "egress", "deny")).as("UDP denied counted").isGreaterThan(udpDenied);
            assertUdpDenied(srv, cli, cliUdp);

            Sh.Result explained = qnf.cli("policy", "explain", "--from", NETWORK + "/" + endpointOf(cli), "--to",
                    NETWORK + "/" + endpointOf(srv), "--port", "80");
            assertThat(explained.exit()).as("%s", explained).isZero();
            assertThat(explained.out()).startsWith("ALLOW")
                    .contains("default/cli-out egress[0]", "default/srv-in ingress[0]");
            Sh.Result deniedWhy = qnf.cli("policy", "explain", "--from", NETWORK + "/" + endpointOf(other), "--to",
                    NETWORK + "/" + endpointOf(srv), "--port", "80");
            assertThat(deniedWhy.out()).startsWith("DENY").contains("network pol denies by default");

            // the file changes hands: other may call srv, cli no longer
            Path v2 = Files.writeString(dir.resolve("v2.yaml"), POLICIES.formatted("other", "cli"));
            Sh.Result changed = qnf.cli("policy", "apply", "-f", v2.toString());
            assertThat(changed.exit()).as("%s", changed).isZero();
            assertThat(qnf.cli("policy", "delete", "default/cli-out").exit()).isZero();
            await().atMost(CONVERGE).untilAsserted(() -> {
                assertThat(get(other, srv)).isEqualTo("srv");
                assertThat(get(cli, srv)).isEmpty();
            });
            double otherAllowed = counter("default/other-out", "egress", "allow");
            assertThat(get(other, srv)).isEqualTo("srv");
            assertThat(counter("default/other-out", "egress", "allow")).isGreaterThan(otherAllowed);
            double otherUdp = counter("default/other-out", "egress", "allow");
            assertUdpAllowed(other, srv, srvUdp);
            assertThat(counter("default/other-out", "egress", "allow")).as("UDP counted").isGreaterThan(otherUdp);
            double cliDenied = counter("(default)", "egress", "deny");
            assertUdpDenied(cli, srv, srvUdp);
            assertThat(counter("(default)", "egress", "deny")).as("UDP denied counted").isGreaterThan(cliDenied);

            // relabelling moves a workload to another identity: cli becomes "other" and gets other's access
            Sh.Result relabelled = qnf.cli("endpoint", "label", NETWORK + "/" + endpointOf(cli), "app=other");
            assertThat(relabelled.exit()).as("%s", relabelled).isZero();
            await().atMost(CONVERGE).untilAsserted(() -> assertThat(get(cli, srv)).isEqualTo("srv"));
            assertUdpAllowed(cli, srv, srvUdp);
        }
    }

    // ---- helpers

    /**
     * A datagram from {@code from} reaches {@code to}'s listener and its echo comes back. The data plane has
     * converged for TCP when this is called, and TCP and UDP are one policy change, so a short bound suffices.
     */
    private static void assertUdpAllowed(Container from, Container to, ContainerUdp.Listener listener) {
        ContainerUdp.Flow flow = ContainerUdp.send(from, to, listener, UDP_PORT, UDP_ALLOWED_WITHIN);
        assertThat(flow.delivered()).as("UDP %s delivered", flow.token()).isTrue();
        assertThat(flow.answered()).as("UDP %s answered", flow.token()).isTrue();
    }

    /** {@code to}'s listener never sees a datagram {@code from} keeps sending for {@link #UDP_DENIED_FOR}. */
    private static void assertUdpDenied(Container from, Container to, ContainerUdp.Listener listener) {
        ContainerUdp.Flow flow = ContainerUdp.send(from, to, listener, UDP_PORT, UDP_DENIED_FOR);
        assertThat(flow.delivered()).as("UDP %s delivered", flow.token()).isFalse();
        assertThat(flow.answered()).as("UDP %s answered", flow.token()).isFalse();
    }

    /** {@code GET http://TO/hostname} from {@code from} with a 3 s bound: the body, or "" when it failed. */
    private static String get(Container from, Container to) {
        Sh.Result r = podman.exec(from, "timeout", "3", "wget", "-q", "-O", "-", "http://" + to.ip() + "/hostname");
        return r.ok() ? r.out().strip() : "";
    }

    private static boolean ping(Container from, Container to) {
        return podman.exec(from, "ping", "-c", "1", "-W", "2", to.ip()).ok();
    }

    private static String endpointOf(Container c) {
        return allocationOf(c).endpoint();
    }

    private static AllocationView allocationOf(Container c) {
        return qnf.qnf.listAllocations(NETWORK).allocations().stream().filter(v -> c.id().equals(v.containerId()))
                .findFirst().orElseThrow(() -> new AssertionError("no allocation: " + c));
    }

    /** One {@code qnf_policy_packets_total} series from the agent's /metrics (0 when it is not there yet). */
    private static double counter(String policy, String direction, String verdict) {
        String metrics = podman.httpGetFromHost("http://" + METRICS + "/metrics").orFail().out();
        Matcher m = Pattern.compile("qnf_policy_packets_total\\{([^}]*)} (\\S+)").matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("policy=\"" + policy + "\"") && labels.contains("direction=\"" + direction + "\"")
                    && labels.contains("verdict=\"" + verdict + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
