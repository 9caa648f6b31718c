package dev.qnf.agent.dns;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.qnf.agent.testing.TestNamespaces.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The production shape: port 53 on a dual-stack network's gateways, inside a namespace, asked by dig. */
@Tag("root")
class DnsNamespaceTest {

    @Test
    void serves_port_53_on_both_gateways_of_a_dual_stack_network() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")), "dig not installed");
        try (TestNamespaces namespaces = TestNamespaces.create()) {
            NetNs ns = namespaces.add("dns");
            String name = namespaces.nameOf("dns");
            // the gateways on lo: bridges need modules this test should not depend on
            sh("ip", "-n", name, "addr", "add", "10.89.0.1/24", "dev", "lo");
            sh("ip", "-n", name, "addr", "add", "fd89::1/64", "dev", "lo", "nodad");
            Path resolvConf = Files.createTempFile("resolv", ".conf");
            Files.writeString(resolvConf, "nameserver 10.89.0.1\nnameserver 127.0.0.53\n");
            DnsServerConfig config = DnsServerConfig.builder().network(DnsFixtures.BLUE).resolvConf(resolvConf)
                    .build();
            try (DnsServer server = new DnsServer(config, DnsFixtures.records(), DnsMetrics.NONE)) {
                ns.exec(() -> {
                    try {
                        server.start(); // the sockets belong to the namespace they were opened in
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });

                assertThat(server.port()).isEqualTo(53);
                assertThat(server.upstreams()).as("our own gateway and loopback stubs are skipped").isEmpty();
                assertThat(sh("ip", "netns", "exec", name, "dig", "@10.89.0.1", "+short", "+tries=1",
                        "web.blue.qnf.internal").lines()).containsExactly("10.89.0.10", "10.89.0.12");
                assertThat(sh("ip", "netns", "exec", name, "dig", "@fd89::1", "+short", "+tcp", "+tries=1",
                        "AAAA", "web.blue.qnf.internal").lines()).containsExactly("fd89::10");
                assertThat(sh("ip", "netns", "exec", name, "dig", "@fd89::1", "+short", "+tries=1",
                        "-x", "fd89::10").lines()).containsExactly("web.blue.qnf.internal.");
            } finally {
                Files.deleteIfExists(resolvConf);
            }
        }
    }
}
