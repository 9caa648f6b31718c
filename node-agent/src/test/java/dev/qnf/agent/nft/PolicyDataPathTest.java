package dev.qnf.agent.nft;

import dev.qnf.agent.nft.PolicyPlan.Addresses;
import dev.qnf.agent.nft.PolicyPlan.Direction;
import dev.qnf.agent.nft.PolicyPlan.Identities;
import dev.qnf.agent.nft.PolicyPlan.Protocol;
import dev.qnf.agent.nft.PolicyPlan.Rule;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.qnf.agent.nft.Lab.INET4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Policies through the kernel: containers in namespaces on one host bridge, each pair tried over TCP and UDP, before
 * and after a policy change, with the per-policy counters read back. c1 (identity 10, a client), c2 (20, a web
 * server), c3 (30, a database) on network a, default deny both ways; c4 (40) on network o, default allow.
 */
@Tag("root")
class PolicyDataPathTest {
    static final Network A = Network.dualStack("a", "qbr-a", "10.1.0.0/24", "fd00:1::/64", true);
    static final Network O = Network.of("o", "qbr-o", "10.3.0.0/24", true);
    static final int TCP = 8080;
    static final int UDP = 5300;
    static final int DENIED_WAIT = 700;
    static final int PATIENT = 4000;
    static final String C1 = "10.1.0.2";
    static final String C2 = "10.1.0.3";
    static final String C3 = "10.1.0.4";
    static final String C4 = "10.3.0.2";
    static final String C5 = "10.3.0.3";

    static Ruleset rules(List<Rule> policy) {
        Map<Integer, List<IpAddress>> ids = Map.of(10, List.of(ip(C1), ip("fd00:1::2")), 20, List.of(ip(C2),
                ip("fd00:1::3")), 30, List.of(ip(C3)), 40, List.of(ip(C4), ip(C5)));
        return Ruleset.of(List.of(A, O), List.of(Endpoint.dualStack("c1", "a", C1, "fd00:1::2", 10),
                        Endpoint.dualStack("c2", "a", C2, "fd00:1::3", 20), Endpoint.of("c3", "a", C3, 30),
                        Endpoint.of("c4", "o", C4, 40), Endpoint.of("c5", "o", C5, 40)), List.of())
                .withPolicy(PolicyPlan.of(ids, policy, Set.of(10, 20, 30), Set.of(10, 20, 30)));
    }

    /** web: c1 → c2 on TCP 8080 and UDP 5300, both directions' halves; db: c1 → c3 allowed but also denied. */
    static final List<Rule> BEFORE = List.of(
            Rule.allow("web", Direction.EGRESS, Set.of(10), Identities.of(20), Protocol.TCP, TCP, TCP),
            Rule.allow("web", Direction.EGRESS, Set.of(10), Identities.of(20), Protocol.UDP, UDP, UDP),
            Rule.allow("web", Direction.INGRESS, Set.of(20), Identities.of(10), Protocol.TCP, 8000, 8100),
            Rule.allow("web", Direction.INGRESS, Set.of(20), Identities.of(10), Protocol.UDP, UDP, UDP),
            Rule.allow("db", Direction.EGRESS, Set.of(10), Identities.of(30), Protocol.ANY, 0, 65535),
            Rule.allow("db", Direction.INGRESS, Set.of(30), Identities.of(10), Protocol.ANY, 0, 65535),
            Rule.deny("db-lockdown", Direction.INGRESS, Set.of(30), PolicyPlan.AllEndpoints.INSTANCE, Protocol.TCP, 1,
                    65535),
            Rule.deny("db-lockdown", Direction.INGRESS, Set.of(30), PolicyPlan.AllEndpoints.INSTANCE, Protocol.UDP, 1,
                    65535),
            Rule.allow("not-endpoints", Direction.EGRESS, Set.of(20), Addresses.of("10.0.0.0/8"), Protocol.ANY, 0, 0),
            Rule.allow("internet", Direction.EGRESS, Set.of(10), Addresses.of("192.0.2.0/24").except("192.0.2.1/32"),
                    Protocol.TCP, TCP, TCP));

    /** After: the lockdown is gone, c2 may answer c1 on TCP, the internet rule is gone. */
    static final List<Rule> AFTER = List.of(
            BEFORE.get(0), BEFORE.get(1), BEFORE.get(2), BEFORE.get(3), BEFORE.get(4), BEFORE.get(5),
            Rule.allow("callback", Direction.EGRESS, Set.of(20), Identities.of(10), Protocol.TCP, TCP, TCP),
            Rule.allow("callback", Direction.INGRESS, Set.of(10), Identities.of(20), Protocol.TCP, TCP, TCP));

    @Test
    void allowedPairsConnectDeniedPairsTimeOutAndCountersMove() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            Lab lab = new Lab(ns);
            lab.bridge("qbr-a", "10.1.0.1/24", "fd00:1::1/64");
            lab.bridge("qbr-o", "10.3.0.1/24");
            Map<String, NetNs> c = Map.of(
                    "c1", lab.container("c1", "qbr-a", C1 + "/24", "10.1.0.1", "fd00:1::2/64", "fd00:1::1"),
                    "c2", lab.container("c2", "qbr-a", C2 + "/24", "10.1.0.1", "fd00:1::3/64", "fd00:1::1"),
                    "c3", lab.container("c3", "qbr-a", C3 + "/24", "10.1.0.1", null, null),
                    "c4", lab.container("c4", "qbr-o", C4 + "/24", "10.3.0.1", null, null),
                    "c5", lab.container("c5", "qbr-o", C5 + "/24", "10.3.0.1", null, null),
                    "inet", lab.inet);
            Map<String, String> addr = Map.of("c1", C1, "c2", C2, "c3", C3, "c4", C4, "c5", C5, "inet", INET4);
            List<AutoCloseable> servers = new ArrayList<>();
            try {
                for (String name : addr.keySet()) {
                    servers.add(new Lab.Server(c.get(name), TCP));
                    servers.add(new Lab.UdpEcho(c.get(name), UDP));
                }
                NftFirewall fw = new NftFirewall(lab.host);
                fw.adopt(rules(BEFORE));

                Map<String, Long> before = fw.counters();
                expect(c, addr, "c1", "c2", true, true);
                expect(c, addr, "c1", "fd00:1::3", true, true);
                expect(c, addr, "c2", "c1", false, false);
                expect(c, addr, "c1", "c3", false, false); // allowed by db, denied by db-lockdown: deny wins
                expect(c, addr, "c3", "c2", false, false);
                expect(c, addr, "c1", "inet", true, false); // the internet rule is TCP only
                expect(c, addr, "c2", "inet", false, false);
                expect(c, addr, "c2", "c3", false, false); // an address peer never matches an endpoint
                expect(c, addr, "c4", "c5", true, true); // network o is default allow
                expect(c, addr, "c4", "inet", true, true);
                Map<String, Long> after = fw.counters();
                assertThat(moved(before, after, "allow-out-web")).as("c1 → c2 TCP + UDP, IPv4 and IPv6").isGreaterThanOrEqualTo(3);
                assertThat(moved(before, after, "allow-in-web")).isGreaterThanOrEqualTo(3);
                assertThat(moved(before, after, "allow-out-db")).as("egress half of c1 → c3").isGreaterThanOrEqualTo(2);
                assertThat(moved(before, after, "deny-in-db-lockdown")).isGreaterThanOrEqualTo(2);
                assertThat(moved(before, after, "allow-in-db")).as("deny wins: never reached").isZero();
                assertThat(moved(before, after, "default-deny-out")).as("c2 → c1, c2 → inet, c3 → c2, c1 → inet UDP")
                        .isGreaterThanOrEqualTo(4);
                assertThat(moved(before, after, "allow-out-internet")).isGreaterThanOrEqualTo(1);

                fw.apply(rules(AFTER));
                before = fw.counters();
                assertThat(before).containsKeys("allow-out-callback").doesNotContainKeys("deny-in-db-lockdown",
                        "allow-out-internet");
                expect(c, addr, "c1", "c2", true, true);
                expect(c, addr, "c2", "c1", true, false);
                expect(c, addr, "c1", "c3", true, true);
                expect(c, addr, "c3", "c1", false, false);
                expect(c, addr, "c1", "inet", false, false);
                after = fw.counters();
                assertThat(moved(before, after, "allow-out-callback")).isGreaterThanOrEqualTo(1);
                assertThat(moved(before, after, "allow-in-callback")).isGreaterThanOrEqualTo(1);
                assertThat(moved(before, after, "allow-in-db")).isGreaterThanOrEqualTo(2);

                // the periodic convergence pass rewrites the tables; the counters keep counting
                fw.adopt(rules(AFTER));
                assertThat(fw.counters().get("allow-in-db")).isEqualTo(after.get("allow-in-db"));
            } finally {
                for (AutoCloseable s : servers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aContainerSendsFromItsOwnAddressesOnly() throws Exception {
        Network s = Network.dualStack("s", "qbr-s", "10.4.0.0/24", "fd00:4::/64", true);
        Ruleset open = Ruleset.of(List.of(s), List.of(Endpoint.dualStack("s1", "s", "10.4.0.2", "fd00:4::2", 50),
                        Endpoint.dualStack("s2", "s", "10.4.0.3", "fd00:4::3", 50)), List.of())
                .withPolicy(PolicyPlan.of(Map.of(50, List.of(ip("10.4.0.2"), ip("fd00:4::2"), ip("10.4.0.3"),
                        ip("fd00:4::3"))), List.of(), Set.of(), Set.of()));
        try (TestNamespaces ns = TestNamespaces.create()) {
            Lab lab = new Lab(ns);
            lab.bridge("qbr-s", "10.4.0.1/24", "fd00:4::1/64");
            NetNs s1 = lab.container("s1", "qbr-s", "10.4.0.2/24", "10.4.0.1", "fd00:4::2/64", "fd00:4::1");
            NetNs s2 = lab.container("s2", "qbr-s", "10.4.0.3/24", "10.4.0.1", "fd00:4::3/64", "fd00:4::1");
            // s1 also holds addresses that are no endpoint's: it could send from them were the fabric not checking
            TestNamespaces.sh("ip", "-n", ns.nameOf("s1"), "addr", "add", "10.4.0.9/24", "dev", "eth0");
            TestNamespaces.sh("ip", "-n", ns.nameOf("s1"), "addr", "add", "fd00:4::9/64", "dev", "eth0", "nodad");
            try (Lab.Server server = new Lab.Server(s2, TCP)) {
                new NftFirewall(lab.host).adopt(open);
                // the network is open: its endpoints reach each other over both families (IPv6 neighbour
                // discovery, from link-local addresses, still passes)
                assertThat(Lab.connect(s1, "10.4.0.2", "10.4.0.3", TCP, PATIENT)).isEqualTo("hi");
                assertThat(Lab.connect(s1, "fd00:4::2", "fd00:4::3", TCP, PATIENT)).isEqualTo("hi");
                for (String spoofed : List.of("10.4.0.9", "fd00:4::9")) {
                    String to = spoofed.contains(":") ? "fd00:4::3" : "10.4.0.3";
                    assertThatThrownBy(() -> Lab.connect(s1, spoofed, to, TCP, DENIED_WAIT))
                            .as("sent from " + spoofed).isInstanceOf(IOException.class);
                }
            }
        }
    }

    /** Tries TCP and UDP from one container to another (or to an address) and checks the outcome. */
    private static void expect(Map<String, NetNs> c, Map<String, String> addr, String from, String to,
                               boolean tcp, boolean udp) throws Exception {
        String address = addr.getOrDefault(to, to);
        CompletableFuture<Boolean> t = CompletableFuture.supplyAsync(() -> tcp(c.get(from), address, tcp ? PATIENT : DENIED_WAIT));
        CompletableFuture<Boolean> u = CompletableFuture.supplyAsync(() ->
                Lab.udpAnswered(c.get(from), address, UDP, udp ? PATIENT : DENIED_WAIT));
        assertThat(t.get()).as(from + " → " + to + " over TCP").isEqualTo(tcp);
        assertThat(u.get()).as(from + " → " + to + " over UDP").isEqualTo(udp);
    }

    private static boolean tcp(NetNs from, String address, int timeoutMillis) {
        try {
            return "hi".equals(Lab.connect(from, address, TCP, timeoutMillis));
        } catch (IOException e) {
            return false;
        }
    }

    private static long moved(Map<String, Long> before, Map<String, Long> after, String counter) {
        assertThat(after).containsKey(counter);
        return after.get(counter) - before.getOrDefault(counter, 0L);
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
