package dev.qnf.agent.reconcile;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.qnf.agent.testing.TestNamespaces.sh;
import static org.assertj.core.api.Assertions.assertThat;

/** The host settings the agent makes at start, in a namespace of their own (they are per network namespace). */
@Tag("root")
class HostSysctlsTest {

    @Test
    void bridgedTrafficIsMadeToPassTheIpHooks() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs host = ns.add("host");
            // br_netfilter is loaded by the agent if missing; the test then turns its calls off, as a host may have
            assertThat(HostSysctls.filterBridgedTraffic(host)).as("br_netfilter loads on this machine").isEmpty();
            sh("ip", "netns", "exec", ns.nameOf("host"), "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0",
                    "net.bridge.bridge-nf-call-ip6tables=0");
            assertThat(HostSysctls.bridgedTrafficFiltered(host)).isFalse();

            assertThat(HostSysctls.filterBridgedTraffic(host)).isEmpty();

            assertThat(HostSysctls.bridgedTrafficFiltered(host)).isTrue();
            assertThat(sh("ip", "netns", "exec", ns.nameOf("host"), "sysctl", "-n",
                    "net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables").split("\\s+"))
                    .containsExactly("1", "1");
            assertThat(HostSysctls.filterBridgedTraffic(host)).as("idempotent").isEmpty();
        }
    }
}
