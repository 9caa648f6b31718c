package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.nft.Ruleset.PortMapping;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.qnf.agent.nft.Lab.HOST4;
import static dev.qnf.agent.nft.Lab.HOST6;
import static dev.qnf.agent.nft.Lab.INET4;
import static dev.qnf.agent.nft.Lab.INET6;
import static dev.qnf.agent.nft.Lab.connect;
import static dev.qnf.agent.nft.Lab.udpExchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Packets through the ruleset: a host namespace with two QNF networks (a: NAT, dual stack; b: internal), containers
 * c1 and c2 on a, c3 on b, and an "internet" namespace beyond the host's uplink.
 */
@Tag("root")
class DataPathTest {
    static final Network A = Network.dualStack("a", "qbr-a", "10.1.0.0/24", "fd00:1::/64", true);
    static final Network B = Network.of("b", "qbr-b", "10.2.0.0/24", false);
    static final Ruleset RULES = Ruleset.of(List.of(A, B),
            List.of(Endpoint.dualStack("c1", "a", "10.1.0.2", "fd00:1::2", 1),
                    Endpoint.dualStack("c2", "a", "10.1.0.3", "fd00:1::3", 2),
                    Endpoint.of("c3", "b", "10.2.0.2", 3)),
            List.of(PortMapping.tcp(8080, "10.1.0.2", 80), PortMapping.udp(5353, "10.1.0.2", 53),
                    PortMapping.tcp(8080, "fd00:1::2", 80)));
    static final int FAST = 1000;
    static final int PATIENT = 4000;

    private static final class World {
        final Lab lab;
        final NetNs c1;
        final NetNs c2;
        final NetNs c3;
        final NftFirewall firewall;

        World(TestNamespaces ns) {
            lab = new Lab(ns);
            lab.bridge("qbr-a", "10.1.0.1/24", "fd00:1::1/64");
            lab.bridge("qbr-b", "10.2.0.1/24");
            c1 = lab.container("c1", "qbr-a", "10.1.0.2/24", "10.1.0.1", "fd00:1::2/64", "fd00:1::1");
            c2 = lab.container("c2", "qbr-a", "10.1.0.3/24", "10.1.0.1", "fd00:1::3/64", "fd00:1::1");
            c3 = lab.container("c3", "qbr-b", "10.2.0.2/24", "10.2.0.1", null, null);
            firewall = new NftFirewall(lab.host);
        }
    }

    @Test
    void aNatNetworkReachesTheInternetAsTheHost() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns);
            try (Lab.Server web = new Lab.Server(w.lab.inet, 8080)) {
                // control: without QNF's NAT the internet cannot answer a container
                assertThatThrownBy(() -> connect(w.c1, INET4, 8080, FAST)).isInstanceOf(IOException.class);
                w.firewall.adopt(RULES);
                assertThat(connect(w.c1, INET4, 8080, PATIENT)).isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo(HOST4);
                assertThat(connect(w.c2, INET6, 8080, PATIENT)).isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo(HOST6);
            }
        }
    }

    @Test
    void publishedPortsAnswerFromOutsideFromTheHostAndFromTheirOwnNetwork() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns);
            w.firewall.adopt(RULES);
            try (Lab.Server web = new Lab.Server(w.c1, 80); Lab.UdpEcho dns = new Lab.UdpEcho(w.c1, 53)) {
                assertThat(connect(w.lab.inet, HOST4, 8080, PATIENT)).isEqualTo("hi");
                assertThat(web.nextPeer()).as("outside clients keep their address").isEqualTo(INET4);
                assertThat(connect(w.lab.inet, HOST6, 8080, PATIENT)).isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo(INET6);
                assertThat(connect(w.lab.host, HOST4, 8080, PATIENT)).as("from the host itself").isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo(HOST4);
                assertThat(connect(w.c2, HOST4, 8080, PATIENT)).as("hairpin").isEqualTo("hi");
                assertThat(web.nextPeer()).as("hairpin is masqueraded so replies go back through the host")
                        .isEqualTo("10.1.0.1");
                assertThat(connect(w.c2, "10.1.0.2", 80, PATIENT)).as("directly, inside the network").isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo("10.1.0.3");
                assertThat(connect(w.c2, "fd00:1::2", 80, PATIENT)).isEqualTo("hi");
                assertThat(web.nextPeer()).isEqualTo("fd00:1::3");
                assertThat(udpExchange(w.lab.inet, HOST4, 5353)).isEqualTo("pong from " + HOST4 + ":5353");
                assertThat(dns.nextPeer()).isEqualTo(INET4);
                // a port nobody published is not forwarded
                assertThatThrownBy(() -> connect(w.lab.inet, HOST4, 8081, FAST)).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void networksAreIsolatedAndAnInternalNetworkHasNoEgress() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns);
            try (Lab.Server onA = new Lab.Server(w.c1, 80); Lab.Server onB = new Lab.Server(w.c3, 80);
                 Lab.Server web = new Lab.Server(w.lab.inet, 8080)) {
                // control: without QNF the host routes between its bridges
                assertThat(connect(w.c3, "10.1.0.2", 80, PATIENT)).isEqualTo("hi");
                onA.nextPeer();
                w.firewall.adopt(RULES);
                assertThatThrownBy(() -> connect(w.c3, "10.1.0.2", 80, FAST)).isInstanceOf(IOException.class);
                assertThatThrownBy(() -> connect(w.c1, "10.2.0.2", 80, FAST)).isInstanceOf(IOException.class);
                assertThatThrownBy(() -> connect(w.c3, INET4, 8080, FAST)).isInstanceOf(IOException.class);
                assertThatThrownBy(() -> connect(w.lab.inet, "10.1.0.2", 80, FAST))
                        .as("containers are reachable from outside only through published ports")
                        .isInstanceOf(IOException.class);
                // published ports are public: another network reaches them through the host's address
                assertThat(connect(w.c3, HOST4, 8080, PATIENT)).isEqualTo("hi");
                assertThat(onA.nextPeer()).isEqualTo("10.2.0.2");
            }
        }
    }

    @Test
    void removingAnEndpointAndItsPortKeepsTheRestWorking() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns);
            w.firewall.adopt(RULES.withPort(PortMapping.tcp(8082, "10.1.0.3", 80)));
            try (Lab.Server one = new Lab.Server(w.c1, 80); Lab.Server two = new Lab.Server(w.c2, 80)) {
                assertThat(connect(w.lab.inet, HOST4, 8082, PATIENT)).isEqualTo("hi");
                two.nextPeer();
                w.firewall.apply(RULES.withoutEndpoint("c2"));
                assertThatThrownBy(() -> connect(w.lab.inet, HOST4, 8082, FAST)).isInstanceOf(IOException.class);
                assertThat(connect(w.lab.inet, HOST4, 8080, PATIENT)).isEqualTo("hi");
                assertThat(one.nextPeer()).isEqualTo(INET4);
            }
        }
    }
}
