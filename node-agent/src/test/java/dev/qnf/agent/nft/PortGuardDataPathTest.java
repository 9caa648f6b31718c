package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.reconcile.HostSysctls;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.qnf.agent.testing.TestNamespaces.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Anti-spoofing between containers of one network on one host ({@link PortGuard}): three containers x, y, z on one
 * bridge of an open network. x, compromised, sends as y (IPv4 and IPv6 source addresses) and claims y's addresses in
 * ARP and neighbour advertisements. Each attack is first tried without the port guard (endpoints without ports:
 * only {@code inet qnf}'s per-bridge check), where it must succeed, which shows the test can see it, then with it.
 */
@Tag("root")
class PortGuardDataPathTest {
    static final Network S = Network.dualStack("s", "qbr-s", "10.4.0.0/24", "fd00:4::/64", true);
    static final String X4 = "10.4.0.2";
    static final String Y4 = "10.4.0.3";
    static final String Z4 = "10.4.0.4";
    static final String X6 = "fd00:4::2";
    static final String Y6 = "fd00:4::3";
    static final String Z6 = "fd00:4::4";
    static final String MAC_X = "0a:58:0a:04:00:02";
    static final String MAC_Y = "0a:58:0a:04:00:03";
    static final String MAC_Z = "0a:58:0a:04:00:04";
    static final String NOBODY = "02:00:00:00:00:99";
    static final int UDP = 5300;
    static final int TCP = 8080;
    static final Duration PATIENT = Duration.ofSeconds(30);
    static final int GRACE_MILLIS = 300;

    /** The network open (one identity, nothing isolated), so only anti-spoofing can stop a packet. */
    static Ruleset rules(boolean guarded, String... endpoints) {
        List<Endpoint> eps = new ArrayList<>();
        Map<String, Endpoint> all = Map.of(
                "x", Endpoint.dualStack("x", "s", X4, X6, 50).onPort("v-x", MAC_X),
                "y", Endpoint.dualStack("y", "s", Y4, Y6, 50).onPort("v-y", MAC_Y),
                "z", Endpoint.dualStack("z", "s", Z4, Z6, 50).onPort("v-z", MAC_Z));
        for (String name : endpoints) {
            Endpoint e = all.get(name);
            eps.add(guarded ? e : new Endpoint(e.id(), e.network(), e.ip4(), e.ip6(), e.identity()));
        }
        return Ruleset.of(List.of(S), eps, List.of()).withPolicy(PolicyPlan.of(Map.of(50, List.of(ip(X4), ip(X6),
                ip(Y4), ip(Y6), ip(Z4), ip(Z6))), List.of(), Set.of(), Set.of()));
    }

    @Test
    void aContainerCannotSendFromItsNeighboursAddresses() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, true);
            w.holdsOnLoopback(Y4, Y6);
            try (Echo echo = new Echo(w.z, UDP); Lab.Server server = new Lab.Server(w.z, TCP)) {
                NftFirewall fw = new NftFirewall(w.lab.host);
                fw.adopt(rules(false, "x", "y", "z"));
                assertThat(sentAs(w.x, echo, Y4, Z4, X4)).as("without the port guard, x passes for y (IPv4)").contains(Y4);
                assertThat(sentAs(w.x, echo, Y6, Z6, X6)).as("without the port guard, x passes for y (IPv6)").contains(Y6);

                fw.apply(rules(true, "x", "y", "z"));
                assertThat(sentAs(w.x, echo, Y4, Z4, X4)).as("x sends as y over IPv4").doesNotContain(Y4);
                assertThat(sentAs(w.x, echo, Y6, Z6, X6)).as("x sends as y over IPv6").doesNotContain(Y6);
                // everyone's own traffic still flows, over both families (IPv6 through neighbour discovery)
                for (NetNs from : List.of(w.x, w.y)) {
                    assertThat(Lab.connect(from, Z4, TCP, 4000)).isEqualTo("hi");
                    assertThat(Lab.connect(from, Z6, TCP, 4000)).isEqualTo("hi");
                }
            }
        }
    }

    /**
     * Without br_netfilter's calls into the IP hooks (a host where the module is not loaded), bridged traffic never
     * reaches {@code inet qnf}: neither its per-bridge check nor policy sees it. The bridge table is the bridge's own
     * hook and holds regardless.
     */
    @Test
    void thePortGuardHoldsWithoutBrNetfilter() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, true);
            w.holdsOnLoopback(Y4, Y6);
            if (Files.exists(Path.of("/proc/sys/net/bridge"))) { // else br_netfilter is not loaded: off already
                sh("ip", "netns", "exec", ns.nameOf("host"), "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0",
                        "net.bridge.bridge-nf-call-ip6tables=0");
            }
            assertThat(HostSysctls.bridgedTrafficFiltered(w.lab.host)).as("what the agent warns about").isFalse();
            try (Echo echo = new Echo(w.z, UDP)) {
                NftFirewall fw = new NftFirewall(w.lab.host);
                fw.adopt(rules(true, "x", "y", "z"));
                assertThat(sentAs(w.x, echo, Y4, Z4, X4)).as("x sends as y over IPv4").doesNotContain(Y4);
                assertThat(sentAs(w.x, echo, Y6, Z6, X6)).as("x sends as y over IPv6").doesNotContain(Y6);
            }
        }
    }

    @Test
    void aForgedArpOrNeighbourClaimDoesNotMoveTheOthersEntries() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, true);
            // z believes y is at y's MAC
            NftFirewall fw = new NftFirewall(w.lab.host);
            fw.adopt(rules(false, "x", "y", "z"));
            w.believe(Y4, MAC_Y);
            w.believe(Y6, MAC_Y);
            RawFrames.arpClaim(w.x, "eth0", MAC_X, Y4, MAC_Z, Z4);
            RawFrames.naClaim(w.x, "eth0", MAC_X, X6, Y6);
            await().atMost(PATIENT).untilAsserted(() -> {
                assertThat(w.zThinks(Y4)).as("without the port guard, x's ARP claim wins").isEqualTo(MAC_X);
                assertThat(w.zThinks(Y6)).as("without the port guard, x's NA claim wins").isEqualTo(MAC_X);
            });

            fw.apply(rules(true, "x", "y", "z"));
            w.believe(Y4, MAC_Y);
            w.believe(Y6, MAC_Y);
            w.believe(X4, NOBODY);
            w.believe(X6, NOBODY);
            RawFrames.arpClaim(w.x, "eth0", MAC_X, Y4, MAC_Z, Z4);
            RawFrames.naClaim(w.x, "eth0", MAC_X, X6, Y6);
            // x's claims of its own addresses, sent after the forged ones on the same path, do arrive
            RawFrames.arpClaim(w.x, "eth0", MAC_X, X4, MAC_Z, Z4);
            RawFrames.naClaim(w.x, "eth0", MAC_X, X6, X6);
            await().atMost(PATIENT).untilAsserted(() -> {
                assertThat(w.zThinks(X4)).isEqualTo(MAC_X);
                assertThat(w.zThinks(X6)).isEqualTo(MAC_X);
            });
            assertThat(w.zThinks(Y4)).as("z's entry for y after x's forged ARP").isEqualTo(MAC_Y);
            assertThat(w.zThinks(Y6)).as("z's entry for y after x's forged NA").isEqualTo(MAC_Y);
            // a claim sent with a MAC that is not the port's own is dropped too
            w.believe(X4, NOBODY);
            w.believe(X6, NOBODY);
            RawFrames.arpClaim(w.x, "eth0", "0a:58:0a:04:00:09", X4, MAC_Z, Z4);
            RawFrames.naClaim(w.x, "eth0", MAC_X, X6, X6);
            await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(X6)).isEqualTo(MAC_X));
            assertThat(w.zThinks(X4)).as("a claim from another MAC").isEqualTo(NOBODY);
        }
    }

    /**
     * Link-local addresses are tied to their port: x sends from y's link-local address, and advertises y's
     * link-local address as its own (which would draw z's link-local traffic for y, and the gateway's, to x). The
     * kernel gives each container the EUI-64 link-local address of its MAC, the one the guard allows; each
     * container's own link-local traffic, with the neighbour discovery it needs, still flows.
     */
    @Test
    void aContainerCannotUseItsNeighboursLinkLocalAddress() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, true);
            String xLl = linkLocal(MAC_X);
            String yLl = linkLocal(MAC_Y);
            String zLl = linkLocal(MAC_Z);
            for (String[] c : new String[][]{{"x", xLl}, {"y", yLl}, {"z", zLl}}) {
                await().atMost(PATIENT).untilAsserted(() -> assertThat(w.linkLocalOf(c[0]))
                        .as("the kernel's link-local address of " + c[0]).isEqualTo(c[1]));
            }
            try (Echo echo = new Echo(w.z, UDP)) {
                NftFirewall fw = new NftFirewall(w.lab.host);
                fw.adopt(rules(false, "x", "y", "z"));
                assertThat(forgedSentAs(w, echo, yLl, zLl, xLl))
                        .as("without the port guard, x sends from y's link-local address").contains(yLl);
                w.believe(yLl, MAC_Y);
                RawFrames.naClaim(w.x, "eth0", MAC_X, xLl, yLl);
                await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(yLl))
                        .as("without the port guard, x's NA for y's link-local address wins").isEqualTo(MAC_X));

                fw.apply(rules(true, "x", "y", "z"));
                assertThat(forgedSentAs(w, echo, yLl, zLl, xLl)).as("x sends from y's link-local address")
                        .doesNotContain(yLl);
                w.believe(yLl, MAC_Y);
                w.believe(xLl, NOBODY);
                RawFrames.naClaim(w.x, "eth0", MAC_X, xLl, yLl);
                // x's advertisement of its own link-local address, sent after the forged one, does arrive
                RawFrames.naClaim(w.x, "eth0", MAC_X, xLl, xLl);
                await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(xLl)).isEqualTo(MAC_X));
                assertThat(w.zThinks(yLl)).as("z's entry for y's link-local address after x's forged NA")
                        .isEqualTo(MAC_Y);

                // the containers' own link-local traffic, resolved by the kernel's neighbour discovery
                for (String[] c : new String[][]{{"x", xLl}, {"y", yLl}}) {
                    sh("ip", "-n", ns.nameOf("z"), "neigh", "flush", "dev", "eth0");
                    NetNs from = "x".equals(c[0]) ? w.x : w.y;
                    assertThat(sentFromOwnLinkLocal(from, w.eth0Index(c[0]), echo, c[1], zLl))
                            .as(c[0] + " over link-local").contains(c[1]);
                }
            }
        }
    }

    /**
     * Link-layer address options name the port's MAC: x sends neighbour discovery messages about its own address
     * whose link-layer option names y's MAC (which would make z send x's traffic to y, or anywhere x likes): in a
     * neighbour advertisement, in a neighbour solicitation, and behind a harmless first option. Each moves z's
     * entry without the port guard and not with it; x's honest messages still do.
     */
    @Test
    void neighbourDiscoveryOptionsNamingAnotherMacAreDropped() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, true);
            String xLl = linkLocal(MAC_X);
            Map<String, Runnable> attacks = new java.util.LinkedHashMap<>();
            attacks.put("an NA for x's address with y's MAC as its target link-layer address",
                    () -> RawFrames.icmp6(w.x, "eth0", MAC_X, "33:33:00:00:00:01", X6, "ff02::1",
                            RawFrames.neighborAdvert(X6, RawFrames.linkLayerOption(RawFrames.TARGET_LL, MAC_Y))));
            attacks.put("an NS from x's address with y's MAC as its source link-layer address",
                    () -> RawFrames.icmp6(w.x, "eth0", MAC_X, MAC_Z, X6, Z6,
                            RawFrames.neighborSolicit(Z6, RawFrames.linkLayerOption(RawFrames.SOURCE_LL, MAC_Y))));
            attacks.put("an NA with y's MAC in a link-layer option behind a nonce option",
                    () -> RawFrames.icmp6(w.x, "eth0", MAC_X, "33:33:00:00:00:01", X6, "ff02::1",
                            RawFrames.neighborAdvert(X6, RawFrames.nonceOption(),
                                    RawFrames.linkLayerOption(RawFrames.TARGET_LL, MAC_Y))));
            NftFirewall fw = new NftFirewall(w.lab.host);
            fw.adopt(rules(false, "x", "y", "z"));
            attacks.forEach((what, attack) -> {
                w.believe(X6, NOBODY);
                attack.run();
                await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(X6))
                        .as("without the port guard: " + what).isEqualTo(MAC_Y));
            });

            fw.apply(rules(true, "x", "y", "z"));
            attacks.forEach((what, attack) -> {
                w.believe(X6, NOBODY);
                w.believe(xLl, NOBODY);
                attack.run();
                // an honest advertisement sent after the forged message does arrive
                RawFrames.naClaim(w.x, "eth0", MAC_X, xLl, xLl);
                await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(xLl)).isEqualTo(MAC_X));
                assertThat(w.zThinks(X6)).as(what).isEqualTo(NOBODY);
            });
            // honest solicitations and advertisements, with the port's MAC in their option, do move z's entry
            w.believe(X6, NOBODY);
            RawFrames.icmp6(w.x, "eth0", MAC_X, MAC_Z, X6, Z6,
                    RawFrames.neighborSolicit(Z6, RawFrames.linkLayerOption(RawFrames.SOURCE_LL, MAC_X)));
            await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(X6)).isEqualTo(MAC_X));
            w.believe(X6, NOBODY);
            RawFrames.naClaim(w.x, "eth0", MAC_X, X6, X6);
            await().atMost(PATIENT).untilAsserted(() -> assertThat(w.zThinks(X6)).isEqualTo(MAC_X));
            // and the kernel's own neighbour discovery carries everyone's traffic
            try (Lab.Server server = new Lab.Server(w.z, TCP)) {
                sh("ip", "-n", ns.nameOf("z"), "neigh", "flush", "dev", "eth0");
                for (NetNs from : List.of(w.x, w.y)) {
                    assertThat(Lab.connect(from, Z6, TCP, 4000)).isEqualTo("hi");
                }
            }
        }
    }

    @Test
    void duplicateAddressDetectionStillWorks() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, false);
            NftFirewall fw = new NftFirewall(w.lab.host);
            fw.adopt(rules(true, "x", "y", "z"));
            // y takes its IPv6 address with DAD: the probe (from ::) passes and nobody objects
            w.addWithDad("y", Y6);
            await().atMost(PATIENT).untilAsserted(() -> assertThat(w.addressFlags("y", Y6)).doesNotContain("tentative"));
            assertThat(w.addressFlags("y", Y6)).doesNotContain("dadfailed");
            // z tries y's address: y's defence (an NA for its own address) reaches z
            w.addWithDad("z", Y6);
            await().atMost(PATIENT).untilAsserted(() -> assertThat(w.addressFlags("z", Y6)).contains("dadfailed"));
            sh("ip", "-n", ns.nameOf("z"), "addr", "del", Y6 + "/64", "dev", "eth0");
        }
    }

    @Test
    void removingAnEndpointRemovesItsPortsElements() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            World w = new World(ns, false);
            NftFirewall fw = new NftFirewall(w.lab.host);
            fw.adopt(rules(true, "x", "y", "z"));
            assertThat(fw.adopt(rules(true, "x", "y", "z"))).as("the kernel's table is QNF's layout").isEmpty();
            assertThat(portElements(ns)).anyMatch(e -> e.contains("v-y"));
            fw.apply(rules(true, "x", "z"));
            assertThat(portElements(ns)).noneMatch(e -> e.contains("v-y")).anyMatch(e -> e.contains("v-x"));
            fw.apply(rules(false, "x", "z"));
            assertThat(NftListing.tables(NftListing.ruleset(ns, "host"))).doesNotContain(PortGuard.TABLE);
            fw.apply(rules(true, "x", "z"));
            fw.removeAll();
            assertThat(NftListing.tables(NftListing.ruleset(ns, "host"))).isEmpty();
        }
    }

    private static List<String> portElements(TestNamespaces ns) {
        JsonNode listing = NftListing.ruleset(ns, "host");
        List<String> out = new ArrayList<>();
        for (String set : List.of("ports", "pinned", "mac", "src4", "src6", "nd6", "lla")) {
            out.addAll(NftListing.elements(listing, PortGuard.TABLE, set));
        }
        return out;
    }

    /**
     * Sends one datagram from {@code forged} (an address the sender is not given) to {@code to}, then one from
     * {@code own}, from one thread; returns the sources the receiver saw until the second arrived and for a grace
     * period after it (in case the two were reordered on the way, as packets queued on different CPUs may be).
     */
    private static List<String> sentAs(NetNs from, Echo echo, String forged, String to, String own) throws Exception {
        echo.peers.clear();
        from.run(() -> {
            for (String source : List.of(forged, own)) {
                // a socket of the address's own family, not Java's default dual-stack one
                InetAddress src = InetAddress.getByName(source);
                try (DatagramChannel s = DatagramChannel.open(src instanceof Inet4Address ? StandardProtocolFamily.INET
                        : StandardProtocolFamily.INET6)) {
                    s.bind(new InetSocketAddress(src, 0));
                    s.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)),
                            new InetSocketAddress(InetAddress.getByName(to), UDP));
                }
            }
            return null;
        });
        return seenUntil(echo, own, to);
    }

    /**
     * Sends from x, as raw frames to z's MAC, one UDP datagram from {@code forged} to {@code to}, then one from
     * {@code own}; returns the sources z saw, as {@link #sentAs} does.
     */
    private static List<String> forgedSentAs(World w, Echo echo, String forged, String to, String own)
            throws Exception {
        echo.peers.clear();
        for (String source : List.of(forged, own)) {
            RawFrames.udp6(w.x, "eth0", MAC_X, MAC_Z, source, to, UDP, "ping".getBytes(StandardCharsets.US_ASCII));
        }
        return seenUntil(echo, own, to);
    }

    /**
     * Sends one datagram through the kernel from {@code own}, a link-local address of eth0 (interface index {@code
     * eth0} in the sender's namespace: Java would look a scope name up in its own namespace), to {@code to}.
     */
    private static List<String> sentFromOwnLinkLocal(NetNs from, int eth0, Echo echo, String own, String to)
            throws Exception {
        echo.peers.clear();
        from.run(() -> {
            try (DatagramChannel s = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                s.bind(new InetSocketAddress(InetAddress.getByName(own + "%" + eth0), 0));
                s.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress(InetAddress.getByName(to + "%" + eth0), UDP));
            }
            return null;
        });
        return seenUntil(echo, own, to);
    }

    /** The sources {@code echo} saw until one from {@code own} arrived, and for a grace period after it. */
    private static List<String> seenUntil(Echo echo, String own, String to) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        String ownText = IpAddress.parse(own).toString();
        while (!seen.contains(ownText)) {
            String peer = echo.peers.poll(PATIENT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(peer).as("datagram from " + own + " to " + to).isNotNull();
            seen.add(peer);
        }
        String late;
        while ((late = echo.peers.poll(GRACE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
            seen.add(late);
        }
        return seen;
    }

    /** Records each datagram's source; does not answer (an answer to a forged source would go to its owner). */
    static final class Echo implements AutoCloseable {
        private final DatagramSocket socket;
        final BlockingQueue<String> peers = new LinkedBlockingQueue<>();

        Echo(NetNs where, int port) {
            this.socket = where.run(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::"), port)));
            DaemonThreads.start("port-guard-echo", () -> {
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(new byte[64], 64);
                        socket.receive(p);
                        peers.add(withoutScope(p.getAddress()));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** The host with bridge qbr-s and the containers x, y, z on it, each with the MAC its endpoint names. */
    static final class World {
        final TestNamespaces ns;
        final Lab lab;
        final NetNs x;
        final NetNs y;
        final NetNs z;

        World(TestNamespaces ns, boolean ipv6) {
            this.ns = ns;
            this.lab = new Lab(ns);
            lab.bridge("qbr-s", "10.4.0.1/24", "fd00:4::1/64");
            // each MAC set before eth0 comes up, as the agent does: the kernel derives the link-local address from it
            x = lab.container("x", "qbr-s", MAC_X, X4 + "/24", "10.4.0.1", ipv6 ? X6 + "/64" : null, "fd00:4::1");
            y = lab.container("y", "qbr-s", MAC_Y, Y4 + "/24", "10.4.0.1", ipv6 ? Y6 + "/64" : null, "fd00:4::1");
            z = lab.container("z", "qbr-s", MAC_Z, Z4 + "/24", "10.4.0.1", ipv6 ? Z6 + "/64" : null, "fd00:4::1");
            // z's neighbour entries may be replaced by a claim at once (no lock time), so that a claim that got
            // through shows
            sh("ip", "netns", "exec", ns.nameOf("z"), "sysctl", "-qw", "net.ipv4.neigh.eth0.locktime=0",
                    "net.ipv6.neigh.eth0.locktime=0");
        }

        /** The interface index of a container's eth0, in its namespace. */
        int eth0Index(String container) {
            return json(sh("ip", "-n", ns.nameOf(container), "-j", "link", "show", "dev", "eth0")).get(0)
                    .path("ifindex").asInt();
        }

        /** The link-local address the kernel gave a container's eth0 (once it is no longer tentative). */
        String linkLocalOf(String container) {
            JsonNode links = json(sh("ip", "-n", ns.nameOf(container), "-j", "-6", "addr", "show", "dev", "eth0",
                    "scope", "link"));
            for (JsonNode link : links) {
                for (JsonNode a : link.path("addr_info")) {
                    if (!a.path("local").asText().isEmpty() && !a.path("tentative").asBoolean()) {
                        return IpAddress.parse(a.path("local").asText()).toString();
                    }
                }
            }
            return "";
        }

        /**
         * x holds y's addresses on its loopback, so that it can send from them, and neither answers ARP for them on
         * eth0 (arp_ignore; NDP never answers for another interface's addresses) nor puts them in its own ARP
         * requests (arp_announce): the forged packets alone carry y's address.
         */
        void holdsOnLoopback(String address4, String address6) {
            String xns = ns.nameOf("x");
            sh("ip", "netns", "exec", xns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1",
                    "net.ipv4.conf.all.arp_announce=2");
            sh("ip", "-n", xns, "addr", "add", address4 + "/32", "dev", "lo");
            sh("ip", "-n", xns, "addr", "add", address6 + "/128", "dev", "lo", "nodad");
        }

        /** Makes z hold a neighbour entry for {@code address} at {@code mac}, as if it had resolved it. */
        void believe(String address, String mac) {
            sh("ip", "-n", ns.nameOf("z"), "neigh", "replace", address, "lladdr", mac, "dev", "eth0", "nud", "stale");
        }

        /** The MAC z's neighbour table gives {@code address}, or "" without an entry. */
        String zThinks(String address) {
            JsonNode entries = json(sh("ip", "-n", ns.nameOf("z"), "-j", "neigh", "show", address, "dev", "eth0"));
            return entries.isEmpty() ? "" : entries.get(0).path("lladdr").asText();
        }

        void addWithDad(String container, String address) {
            sh("ip", "-n", ns.nameOf(container), "addr", "add", address + "/64", "dev", "eth0");
        }

        /** The flags of an address of a container's eth0 ("tentative", "dadfailed", ...); empty if missing. */
        List<String> addressFlags(String container, String address) {
            JsonNode links = json(sh("ip", "-n", ns.nameOf(container), "-j", "-6", "addr", "show", "dev", "eth0"));
            List<String> flags = new ArrayList<>();
            for (JsonNode link : links) {
                for (JsonNode a : link.path("addr_info")) {
                    if (address.equals(a.path("local").asText())) {
                        flags.add("present");
                        a.fieldNames().forEachRemaining(f -> {
                            if (a.path(f).isBoolean() && a.path(f).asBoolean()) {
                                flags.add(f);
                            }
                        });
                    }
                }
            }
            return flags;
        }

        private static JsonNode json(String text) {
            try {
                return new ObjectMapper().readTree(text.isBlank() ? "[]" : text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** An address as text without its scope ("fe80::1%eth0" is "fe80::1"), canonical as {@link IpAddress} writes it. */
    private static String withoutScope(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return IpAddress.parse(scope < 0 ? text : text.substring(0, scope)).toString();
    }

    /** The link-local address the port guard allows the port of a container with {@code mac}. */
    private static String linkLocal(String mac) {
        return new Ruleset.Port("v-any", mac).linkLocal().toString();
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
