package dev.qnf.cli;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.PolicyFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.qnf.cli.SimulatedMesh.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three simulated hosts of one site on one LAN segment ({@link SimulatedMesh}), an agent process and a container each.
 * Everything between hosts must travel in WireGuard: TCP and UDP across hosts, the MTU boundary, a capture of the
 * underlay, an agent restart, key rotation, node removal, and a revoked node's agent exiting.
 */
@Tag("root")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshHostsTest {
    private static final String SUBNET = "172.31.213.";
    private static final String MARKER = "QNF-MESH-MARKER-" + ProcessHandle.current().pid();

    static SimulatedMesh lab;
    static SimulatedMesh.Host h1;
    static SimulatedMesh.Host h2;
    static SimulatedMesh.Host h3;

    @BeforeAll
    static void hosts(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(SimulatedMesh.missing() == null, SimulatedMesh.missing());
        lab = new SimulatedMesh(dir, ProcessHandle.current().pid() + "h", SUBNET);
        try {
            lab.start();
            h1 = lab.host("h1", "ul", SUBNET + "1", null);
            h2 = lab.host("h2", "ul", SUBNET + "2", null);
            h3 = lab.host("h3", "ul", SUBNET + "3", null);
            for (SimulatedMesh.Host h : List.of(h1, h2, h3)) {
                lab.container(h);
            }
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void containersOnDifferentHostsTalkOnlyThroughWireGuard() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> h1.ping(h2) && h2.ping(h3) && h3.ping(h1));
        Path pcap = lab.dir.resolve("underlay.pcap");
        Process capture = new ProcessBuilder("ip", "netns", "exec", lab.underlay, "tcpdump", "-i", "ul", "-U", "-n",
                "-w", pcap.toString()).redirectErrorStream(true)
                .redirectOutput(lab.dir.resolve("tcpdump.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pcap) && Files.size(pcap) > 0);
            // TCP: a marker line from container 1 to a listener in container 2
            CompletableFuture<String> tcp = CompletableFuture.supplyAsync(() ->
                    h2.inContainer("timeout", "20", "busybox", "nc", "-l", "-p", "7000"));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    h1.inContainer("sh", "-c", "echo " + MARKER + "-tcp | busybox nc -w 2 " + h2.containerIp + " 7000"));
            assertThat(tcp.get(30, TimeUnit.SECONDS)).contains(MARKER + "-tcp");
            // UDP: a datagram from container 3 to container 1, sockets opened inside the containers' namespaces
            try (DatagramSocket receiver = h1.containerNs().run(() -> new DatagramSocket(7001));
                 DatagramSocket sender = h3.containerNs().run(DatagramSocket::new)) {
                receiver.setSoTimeout(1000);
                byte[] payload = (MARKER + "-udp").getBytes(StandardCharsets.US_ASCII);
                DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    sender.send(new DatagramPacket(payload, payload.length,
                            InetAddress.getByName(h1.containerIp), 7001));
                    receiver.receive(in);
                    return true;
                });
                assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII)).isEqualTo(MARKER + "-udp");
            }
            // the MTU boundary: the container interface got the tunnel MTU (1500 - 80), a full-size packet crosses
            String mtu = h1.inContainer("cat", "/sys/class/net/eth0/mtu").trim();
            assertThat(mtu).isEqualTo("1420");
            h1.inContainer("ping", "-c", "2", "-W", "2", "-M", "do", "-s", "1392", "-p", hex(MARKER), h2.containerIp);
            assertThat(pingFails(h1, h2, 1393)).as("one byte over the MTU with DF set must not leave").isTrue();
        } finally {
            Thread.sleep(500);
            capture.destroy();
            capture.waitFor(10, TimeUnit.SECONDS);
        }
        byte[] raw = Files.readAllBytes(pcap);
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain(MARKER);
        String between = sh("tcpdump", "-r", pcap.toString(), "-nn",
                "ip and src net " + SUBNET + "0/24 and dst net " + SUBNET + "0/24 and not host " + SUBNET + "254");
        // one line per packet, starting with its time stamp (tcpdump's "reading from file" note is not one)
        List<String> packets = between.lines().filter(l -> l.matches("^\\d.*")).toList();
        assertThat(packets).isNotEmpty();
        assertThat(packets).allSatisfy(l -> assertThat(l).matches(".*\\.51820 > .*\\.51820: UDP.*"));
    }

    /**
     * IPv6 across hosts: a container's address carries the network's /64, so it solicits a container on another
     * host on its own bridge; the bridge answers by proxy NDP (one entry per remote address, kept by the mesh plane)
     * and the host routes the packet into the tunnel by the remote node's IPv6 block.
     */
    @Test
    @Order(2)
    void ipv6CrossesHostsThroughTheTunnel() throws Exception {
        String network = "mesh6";
        lab.client.createNetwork(new NetworkRequest(network, "10.214.0.0/16", "fd00:214::/64", null, null, null, false,
                24, null, null, null));
        lab.client.applyPolicies(new PolicyFile(List.of(), Map.of(network, "allow"), List.of()));
        String six1 = "six1" + lab.tag;
        String six2 = "six2" + lab.tag;
        String a = lab.container6(h1, network, six1);
        String b = lab.container6(h2, network, six2);
        await().atMost(Duration.ofSeconds(60)).until(() -> ping6(six1, b) && ping6(six2, a));
        // h2's bridge answers for h1's container (and the other way round); h3 has no container there, no entries
        assertThat(sh("ip", "netns", "exec", h2.ns, "ip", "-6", "neigh", "show", "proxy")).contains(a);
        assertThat(sh("ip", "netns", "exec", h1.ns, "ip", "-6", "neigh", "show", "proxy")).contains(b);
        assertThat(sh("ip", "netns", "exec", h3.ns, "ip", "-6", "neigh", "show", "proxy")).doesNotContain(a, b);
        // TCP over IPv6, sockets opened inside the containers' namespaces
        NetNs ns1 = NetNs.named("qnf-demo-" + six1);
        NetNs ns2 = NetNs.named("qnf-demo-" + six2);
        try (ServerSocket server = ns2.run(() -> new ServerSocket(7002, 1, InetAddress.getByName(b)))) {
            server.setSoTimeout(20_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket in = server.accept()) {
                    return new String(in.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Socket out = ns1.run(() -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getByName(b), 7002), 10_000);
                return s;
            })) {
                out.getOutputStream().write((MARKER + "-tcp6").getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(MARKER + "-tcp6");
        }
        // a container that leaves takes its proxy entry with it
        lab.client.release(network, lab.client.listAllocations(network).allocations().stream()
                .filter(v -> b.equals(v.ip6())).findFirst().orElseThrow().endpoint());
        await().atMost(Duration.ofSeconds(30)).until(() -> !sh("ip", "netns", "exec", h1.ns, "ip", "-6", "neigh",
                "show", "proxy").contains(b));
    }

    private static boolean ping6(String fromContainer, String to) {
        try {
            sh("ip", "netns", "exec", "qnf-demo-" + fromContainer, "ping", "-6", "-c", "1", "-W", "2", to);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Test
    @Order(3)
    void restartingOneAgentDoesNotInterruptTheOthers() throws Exception {
        CompletableFuture<String> pings = CompletableFuture.supplyAsync(() ->
                h1.inContainer("ping", "-c", "40", "-i", "0.25", "-W", "1", h2.containerIp));
        h3.stop();
        h3.start();
        String out = pings.get(60, TimeUnit.SECONDS);
        assertThat(out).contains(" 0% packet loss");
        await().atMost(Duration.ofSeconds(60)).until(() -> h1.ping(h3));
    }

    @Test
    @Order(4)
    void aRotatedKeyIsPublishedAndTrafficResumes() {
        String before = lab.client.getNode(h2.node).publicKey();
        assertThat(Qnf.run("node", "rotate-key", "--state-dir", h2.state().toString())).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> !lab.client.getNode(h2.node).publicKey().equals(before));
        String after = lab.client.getNode(h2.node).publicKey();
        await().atMost(Duration.ofSeconds(60)).until(() -> h1.wg("peers").contains(after)
                && !h1.wg("peers").contains(before));
        await().atMost(Duration.ofSeconds(60)).until(() -> h1.ping(h2) && h3.ping(h2));
    }

    @Test
    @Order(5)
    void aRemovedNodeLosesItsTunnelsWithinFiveSeconds() throws Exception {
        h3.stop(); // its agent would register it again; the data plane stays as it was
        String key = lab.client.getNode(h3.node).publicKey();
        assertThat(h1.wg("peers")).contains(key);
        long t0 = System.nanoTime();
        lab.client.removeNode(h3.node);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                !h1.wg("peers").contains(key) && !h2.wg("peers").contains(key));
        System.out.printf("node removal reached both peers in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(h1.ping(h3)).isFalse();
        assertThat(h1.ping(h2)).isTrue();
        assertThat(lab.client.listNodes().nodes()).extracting(NodeView::name).doesNotContain(h3.node);
    }

    @Test
    @Order(6)
    void aRevokedNodesAgentExitsWithTheReasonInsteadOfRetrying() throws Exception {
        assertThat(h2.agent.isAlive()).isTrue();
        lab.client.revokeNode(h2.node, null);
        // refused at its next heartbeat (2 s) or as its watch ends: the process ends, code 6, the reason in its log
        assertThat(h2.agent.waitFor(60, TimeUnit.SECONDS)).as("the revoked node's agent exits").isTrue();
        String log = Files.readString(h2.home.resolve("agent.log"));
        assertThat(h2.agent.exitValue()).as(log).isEqualTo(6);
        assertThat(log).contains("error: the control plane refused node h2 for good: 403 PERMISSION_DENIED",
                "is revoked", "Not retrying");
        assertThat(h1.agent.isAlive()).as("the other agent runs on").isTrue();
    }

    private static boolean pingFails(SimulatedMesh.Host from, SimulatedMesh.Host to, int size) {
        try {
            from.inContainer("ping", "-c", "1", "-W", "2", "-M", "do", "-s", Integer.toString(size), to.containerIp);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Up to 16 bytes of pattern for ping -p. */
    private static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.substring(0, 16).getBytes(StandardCharsets.US_ASCII)) {
            b.append(String.format("%02x", c));
        }
        return b.toString();
    }
}
