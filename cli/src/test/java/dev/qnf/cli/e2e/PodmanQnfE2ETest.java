package dev.qnf.cli.e2e;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.cli.Qnf;
import dev.qnf.cli.e2e.PodmanFixture.Container;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * QNF end to end with a real container runtime: a single-node control plane in this JVM, {@code qnf agent} as a
 * child process in the {@link PodmanFixture}'s host namespace, the plugin and conflist from {@code qnf cni install},
 * and podman creating, connecting and removing busybox containers. Read it next to {@link PodmanReferenceTest},
 * which proves the same set-up with the reference plugins.
 *
 * <p>Written against the agent's command line ({@code qnf agent --node --endpoint --state-dir --socket},
 * {@code qnf cni install --bin-dir --conf-dir --network --agent-socket}); skipped until both commands exist.
 */
@Tag("root")
@Tag("podman")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@EnabledIf(value = "agentCommandsExist", disabledReason = "pending: this build has no `qnf agent` / `qnf cni install`")
class PodmanQnfE2ETest {
    static final String NETWORK = "e2e";
    static final String CIDR = "10.77.0.0/16";
    static final String NODE = QnfOnPodman.NODE;
    static final String DOMAIN = "qnf.internal";

    static PodmanFixture podman;
    static QnfOnPodman stack;
    static QnfClient qnf;
    static QnfOnPodman.Agent agent;
    /** The podman network {@code qnf cni install} created. */
    static String net;

    @RegisterExtension
    final AfterTestExecutionCallback diagnostics = PodmanFixture.describeOnFailure(() -> podman,
            () -> agent == null ? "" : agent.logTail(80));

    /** Whether this build has the agent's commands; the test is skipped (not failed) until it does. */
    static boolean agentCommandsExist() {
        CommandLine qnfCommand = new CommandLine(new Qnf());
        CommandLine cni = qnfCommand.getSubcommands().get("cni");
        return qnfCommand.getSubcommands().containsKey("agent") && cni != null
                && cni.getSubcommands().containsKey("install");
    }

    @BeforeAll
    static void startQnfAndPodman(@TempDir Path dir) throws Exception {
        podman = PodmanFixture.start();
        stack = QnfOnPodman.start(podman, dir, List.of());
        qnf = stack.qnf;
        agent = stack.agent;
        net = stack.install(new NetworkRequest(NETWORK, CIDR, null, null, null, null, true, null, null, null, null));
        // open: this test is about plumbing, DNS and ports (networks deny by default; PodmanPolicyE2ETest tests policy)
        qnf.applyPolicies(new PolicyFile(List.of(), Map.of(NETWORK, "allow"), List.of()));
    }

    @AfterEach
    void removeContainers() {
        podman.podman("rm", "-a", "-f", "-t", "0").orFail();
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (podman != null) {
                podman.close();   // the host namespace, and with it QNF's bridge, veths and nftables tables
            }
        }
    }

    @Test
    void addressesComeFromQnfIpam() {
        Container a = podman.run(net, "a", List.of(), "sleep", "600");
        Container b = podman.run(net, "b", List.of(), "sleep", "600");

        for (Container c : List.of(a, b)) {
            AllocationView v = allocationOf(c).orElseThrow(() -> new AssertionError("no allocation for " + c));
            assertThat(v.ip()).as("address of " + c.name() + " in podman").isEqualTo(c.ip()).startsWith("10.77.");
            assertThat(podman.exec(c, "ip", "-4", "-o", "addr", "show", "eth0").orFail().out())
                    .as("address of " + c.name() + " in the container").contains(" " + v.ip() + "/");
            assertThat(podman.exec(c, "cat", "/sys/class/net/eth0/address").orFail().out().strip())
                    .as("MAC of " + c.name()).isEqualToIgnoringCase(v.mac());
            assertThat(v.node()).isEqualTo(NODE);
            assertThat(v.ifName()).isEqualTo("eth0");
        }
        assertThat(a.ip()).isNotEqualTo(b.ip());
    }

    @Test
    void containersReachEachOtherByAddressAndByName() {
        Container a = podman.run(net, "a", List.of(), "sleep", "600");
        Container b = podman.run(net, "b", List.of(), "sleep", "600");

        assertThat(ping(a, b.ip())).contains("1 packets received");
        assertThat(ping(b, a.ip())).contains("1 packets received");
        String resolvConf = podman.exec(a, "cat", "/etc/resolv.conf").orFail().out();
        assertThat(podman.lookup(a, "b")).as(resolvConf).contains("Address: " + b.ip());
        assertThat(podman.exec(a, "nslookup", "b." + NETWORK + "." + DOMAIN).orFail().out())
                .contains("Address: " + b.ip());
        assertThat(ping(a, "b")).as(resolvConf).contains("PING b (" + b.ip() + ")", "1 packets received");
        assertThat(ping(b, "a")).contains("PING a (" + a.ip() + ")", "1 packets received");
    }

    /**
     * Through the host's own address, from the host and from outside. QNF does not publish ports on 127.0.0.1
     * (that needs route_localnet; see docs/nftables.md), unlike the reference portmap plugin.
     */
    @Test
    void publishedPortAnswersFromTheHostAndFromOutside() {
        podman.run(net, "web", List.of("-p", "8080:80", "--hostname", "web"), "httpd", "-f", "-p", "80", "-h", "/etc");

        String url = "http://" + PodmanFixture.UPLINK + ":8080/hostname";
        assertThat(podman.httpGetFromHost(url).orFail().out()).isEqualTo("web");
        assertThat(podman.httpGetFromInternet(url).orFail().out()).isEqualTo("web");
    }

    @Test
    void outboundTrafficIsMasqueradedToTheInternet() {
        Container a = podman.run(net, "a", List.of(), "sleep", "600");

        assertThat(podman.internetSees(a)).isEqualTo(PodmanFixture.UPLINK);
    }

    @Test
    void rmLeavesNoVethAddressRuleOrAllocationBehind() {
        Container c = podman.run(net, "c", List.of("-p", "8081:80"), "httpd", "-f", "-p", "80");
        int veth = podman.hostIfIndex(c);
        assertThat(podman.hostLinks()).containsKey(veth);
        assertThat(allocationOf(c)).isPresent();
        assertThat(mentions(podman.inHost("nft", "list", "ruleset").orFail().out(), c.ip())).isTrue();

        podman.rm(c);

        assertThat(podman.containerNames()).doesNotContain("c");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(podman.hostLinks()).doesNotContainKey(veth);
            assertThat(podman.hostLinks().values()).noneMatch(n -> n.matches("qv[0-9a-f]{12}"));
            String host = podman.inHost("ip", "addr").orFail().out() + podman.inHost("ip", "route").orFail().out();
            assertThat(mentions(host, c.ip())).as("address or route of " + c.ip() + " on the host").isFalse();
            String nft = podman.inHost("nft", "list", "ruleset").orFail().out();
            assertThat(mentions(nft, c.ip())).as("nftables element for " + c.ip()).isFalse();
            assertThat(nft).doesNotContain("8081");
            assertThat(allocationOf(c)).isEmpty();
            assertThat(qnf.listAllocations(NETWORK).allocations()).noneMatch(v -> c.ip().equals(v.ip()));
        });
        assertThat(Path.of(c.sandbox())).doesNotExist();
        assertThat(PodmanFixture.cniCacheEntries(c.id())).isEmpty();
    }

    @Test
    void killingAndRestartingTheAgentLeavesRunningContainersConnected() throws Exception {
        Container a = podman.run(net, "a", List.of(), "sleep", "600");
        Container web = podman.run(net, "web", List.of("-p", "8080:80", "--hostname", "web"),
                "httpd", "-f", "-p", "80", "-h", "/etc");
        int aVeth = podman.hostIfIndex(a);
        int webVeth = podman.hostIfIndex(web);
        List<AllocationView> allocations = qnf.listAllocations(NETWORK).allocations();
        String url = "http://" + PodmanFixture.UPLINK + ":8080/hostname";

        agent.kill();
        assertThat(ping(a, web.ip())).contains("1 packets received");
        assertThat(podman.httpGetFromInternet(url).orFail().out()).isEqualTo("web");
        assertThat(podman.internetSees(a)).isEqualTo(PodmanFixture.UPLINK);

        agent.start();
        agent.awaitReady();
        assertThat(podman.hostLinks()).as("the restarted agent keeps the veths").containsKeys(aVeth, webVeth);
        assertThat(qnf.listAllocations(NETWORK).allocations()).as("and the allocations")
                .containsExactlyInAnyOrderElementsOf(allocations);
        assertThat(ping(a, web.ip())).contains("1 packets received");
        assertThat(podman.httpGetFromInternet(url).orFail().out()).isEqualTo("web");
        assertThat(podman.lookup(a, "web")).contains("Address: " + web.ip());

        Container c = podman.run(net, "c", List.of(), "sleep", "600");
        assertThat(allocationOf(c)).map(AllocationView::ip).contains(c.ip());
        assertThat(ping(c, a.ip())).contains("1 packets received");
    }

    // ---- helpers

    private static String ping(Container from, String to) {
        return podman.exec(from, "ping", "-c", "1", "-W", "5", to).orFail().out();
    }

    private static Optional<AllocationView> allocationOf(Container c) {
        return qnf.listAllocations(NETWORK).allocations().stream()
                .filter(v -> c.id().equals(v.containerId())).findFirst();
    }

    /** Whether {@code text} names {@code ip} as a whole address (10.77.0.2 is not in 10.77.0.23). */
    private static boolean mentions(String text, String ip) {
        return Pattern.compile("(?<![0-9.])" + Pattern.quote(ip) + "(?![0-9])").matcher(text).find();
    }
}
