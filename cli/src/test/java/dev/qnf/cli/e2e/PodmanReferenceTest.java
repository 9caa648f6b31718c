package dev.qnf.cli.e2e;

import dev.qnf.cli.e2e.PodmanFixture.Container;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Podman on this machine with the reference CNI plugins ({@code bridge} + {@code host-local} + {@code portmap} from
 * containernetworking-plugins): proves the {@link PodmanFixture} set-up, and is the baseline the QNF end-to-end
 * test ({@link PodmanQnfE2ETest}) is read against. If this fails, the machine or the fixture is at fault, not QNF.
 */
@Tag("root")
@Tag("podman")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PodmanReferenceTest {
    static final String NET = "ref";
    static final String SUBNET = "10.231.0.0/24";

    static PodmanFixture podman;

    @RegisterExtension
    final AfterTestExecutionCallback diagnostics = PodmanFixture.describeOnFailure(() -> podman);

    @BeforeAll
    static void startPodman() throws Exception {
        podman = PodmanFixture.start();
        Assumptions.assumeTrue(PodmanFixture.REFERENCE_PLUGIN_DIRS.stream()
                        .anyMatch(d -> Files.isExecutable(Path.of(d, "bridge"))),
                "needs the reference CNI plugins (apt-get install containernetworking-plugins)");
        podman.referenceNetwork(NET, SUBNET);
    }

    @AfterEach
    void removeContainers() {
        podman.podman("rm", "-a", "-f", "-t", "0").orFail();
    }

    @AfterAll
    static void stopPodman() {
        if (podman != null) {
            podman.close();
        }
    }

    @Test
    void twoContainersPingEachOther() {
        Container a = podman.run(NET, "a", List.of(), "sleep", "600");
        Container b = podman.run(NET, "b", List.of(), "sleep", "600");

        assertThat(a.ip()).startsWith("10.231.0.").isNotEqualTo(b.ip());
        assertThat(podman.exec(a, "ping", "-c", "1", "-W", "5", b.ip()).orFail().out()).contains("1 packets received");
        assertThat(podman.exec(b, "ping", "-c", "1", "-W", "5", a.ip()).orFail().out()).contains("1 packets received");
    }

    @Test
    void publishedPortAnswersFromTheHostAndFromOutside() {
        podman.run(NET, "web", List.of("-p", "8080:80", "--hostname", "web"), "httpd", "-f", "-p", "80", "-h", "/etc");

        assertThat(podman.httpGetFromHost("http://127.0.0.1:8080/hostname").orFail().out()).isEqualTo("web");
        assertThat(podman.httpGetFromHost("http://" + PodmanFixture.UPLINK + ":8080/hostname").orFail().out())
                .isEqualTo("web");
        assertThat(podman.httpGetFromInternet("http://" + PodmanFixture.UPLINK + ":8080/hostname").orFail().out())
                .isEqualTo("web");
    }

    @Test
    void outboundTrafficIsMasqueradedToTheInternet() {
        Container a = podman.run(NET, "a", List.of(), "sleep", "600");

        assertThat(podman.internetSees(a)).isEqualTo(PodmanFixture.UPLINK);
        assertThat(podman.inInternet("ping", "-c", "1", "-W", "1", a.ip()).ok())
                .as("the internet has no route to the containers").isFalse();
    }

    @Test
    void namesResolveThroughTheConfiguredNameserver() throws Exception {
        Container b = podman.run(NET, "b", List.of(), "sleep", "600");
        try (StubDns dns = StubDns.start(podman.controlAddress(), Map.of("b.ref.test", b.ip()))) {
            Container a = podman.run(NET, "a", List.of("--dns", podman.controlAddress(), "--dns-search", "ref.test",
                    "--dns-search", "test"), "sleep", "600");   // two search domains, as QNF's results give

            assertThat(podman.lookup(a, "b")).contains("Address: " + b.ip());
            assertThat(podman.exec(a, "nslookup", "b.ref.test").orFail().out()).contains("Address: " + b.ip());
            assertThat(podman.exec(a, "ping", "-c", "1", "-W", "5", "b").orFail().out())
                    .contains("PING b (" + b.ip() + ")", "1 packets received");
            assertThat(podman.lookup(a, "nope.ref.test")).contains("NXDOMAIN").doesNotContain("Address: 10.");
        }
    }

    @Test
    void rmLeavesNoInterfaceAddressRuleOrNamespaceBehind() {
        Map<Integer, String> linksBefore = podman.hostLinks();
        Container c = podman.run(NET, "c", List.of("-p", "8081:80"), "httpd", "-f", "-p", "80");
        int veth = podman.hostIfIndex(c);
        assertThat(podman.hostLinks()).containsKey(veth);
        assertThat(podman.referenceIpamDir().resolve(NET).resolve(c.ip())).exists();
        assertThat(podman.inHost("iptables-save").orFail().out()).contains(c.id(), "8081");
        assertThat(PodmanFixture.cniCacheEntries(c.id())).isNotEmpty();

        podman.rm(c);

        assertThat(podman.containerNames()).doesNotContain("c");
        Map<Integer, String> linksAfter = podman.hostLinks();
        linksBefore.values().remove("br-" + NET);   // made by the first container, never removed by the plugin
        linksAfter.values().remove("br-" + NET);
        assertThat(linksAfter).isEqualTo(linksBefore).doesNotContainKey(veth);
        assertThat(podman.referenceIpamDir().resolve(NET).resolve(c.ip())).doesNotExist();
        assertThat(podman.inHost("iptables-save").orFail().out()).doesNotContain(c.id()).doesNotContain("8081");
        assertThat(Path.of(c.sandbox())).doesNotExist();
        assertThat(PodmanFixture.cniCacheEntries(c.id())).isEmpty();
    }
}
