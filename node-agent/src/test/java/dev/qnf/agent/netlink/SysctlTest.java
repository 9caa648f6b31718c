package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SysctlTest {

    @Test
    void keysMapToFilesBelowTheRootAndNothingElse(@TempDir Path root) throws Exception {
        Sysctl sysctl = new Sysctl(root);
        Files.createDirectories(root.resolve("net/ipv6/conf/eth0.100"));
        Files.writeString(root.resolve("net/ipv6/conf/eth0.100/accept_dad"), "1\n");

        sysctl.setAcceptDad("eth0.100", 0);
        assertThat(Files.readString(root.resolve("net/ipv6/conf/eth0.100/accept_dad"))).isEqualTo("0\n");
        assertThat(sysctl.read("net/ipv6/conf/eth0.100/accept_dad")).isEqualTo("0");
        assertThat(sysctl.path("net.ipv4.ip_forward")).isEqualTo(root.resolve("net/ipv4/ip_forward"));
        Files.writeString(root.resolve("net/ipv6/conf/eth0.100/addr_gen_mode"), "2\n");
        assertThat(sysctl.setAddrGenMode("eth0.100", Sysctl.ADDR_GEN_EUI64)).isTrue();
        assertThat(sysctl.read("net/ipv6/conf/eth0.100/addr_gen_mode")).isEqualTo("0");
        assertThat(sysctl.setAddrGenMode("eth1", 0)).as("no IPv6 configuration for eth1: nothing to pin").isFalse();
        assertThat(root.resolve("net/ipv6/conf/eth1")).doesNotExist();
        assertThatThrownBy(() -> sysctl.setAddrGenMode("eth0", 4)).isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> sysctl.read("kernel/hostname")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysctl.read("net/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysctl.setDisableIpv6("../x", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysctl.setAcceptDad("eth0", 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysctl.read("net/ipv4/missing")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("net/ipv4/missing");
    }

    @Test
    @Tag("root")
    void valuesSetInsideANamespaceStayThere() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs host = ns.add("host");
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = Rtnetlink.open(host)) {
                rt.createVeth("qv0", "eth0", 1500, container);
            }
            Sysctl sysctl = Sysctl.proc();
            String realHostForwarding = sysctl.read("net/ipv4/ip_forward");

            // A new namespace inherits the host's IPv4 forwarding (net.core.devconf_inherit_init_net = 0), so flip it.
            String inherited = container.run(() -> sysctl.read("net.ipv4.ip_forward"));
            String flipped = "1".equals(inherited) ? "0" : "1";
            container.exec(() -> {
                sysctl.setForwarding(4, "1".equals(flipped));
                sysctl.setForwarding(6, true);
                sysctl.setRouteLocalnet("eth0", true);
                sysctl.setAcceptDad("eth0", 0);
                sysctl.setDisableIpv6("lo", true);
                sysctl.write("net/ipv6/conf/eth0/addr_gen_mode", "3");
                assertThat(sysctl.setAddrGenMode("eth0", Sysctl.ADDR_GEN_EUI64)).isTrue();
                assertThat(sysctl.read("net/ipv6/conf/eth0/addr_gen_mode")).isEqualTo("0");
                assertThat(sysctl.read("net/ipv4/ip_forward")).isEqualTo(flipped);
                assertThat(sysctl.read("net/ipv6/conf/all/forwarding")).isEqualTo("1");
                assertThat(sysctl.read("net/ipv4/conf/eth0/route_localnet")).isEqualTo("1");
                assertThat(sysctl.read("net/ipv6/conf/eth0/accept_dad")).isEqualTo("0");
                assertThat(sysctl.read("net/ipv6/conf/lo/disable_ipv6")).isEqualTo("1");
            });

            assertThat(TestNamespaces.sh("ip", "netns", "exec", IpCli.name(container), "sysctl", "-n",
                    "net.ipv4.ip_forward").strip()).isEqualTo(flipped);
            // the other namespaces, and this process's own, did not change
            assertThat(sysctl.read("net/ipv4/ip_forward")).isEqualTo(realHostForwarding);
            host.exec(() -> {
                assertThat(sysctl.read("net/ipv4/ip_forward")).isEqualTo(inherited);
                assertThat(sysctl.read("net/ipv6/conf/lo/disable_ipv6")).isEqualTo("0");
            });
            assertThatThrownBy(() -> host.exec(() -> sysctl.read("net/ipv4/conf/eth0/route_localnet")))
                    .as("eth0 exists only in the container").isInstanceOf(UncheckedIOException.class);
        }
    }
}
