package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.agent.sys.NetNs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three simulated hosts on one machine: network namespaces on an underlay bridge (in a namespace of its own, joined to
 * the test's namespace where the control plane listens), each running its own {@code qnf agent} process with a
 * WireGuard interface, and one container (a namespace plugged in through that host's CNI socket) on each. Everything
 * between hosts must travel in WireGuard. Namespaces, processes and /etc/netns entries are removed afterwards, pass
 * or fail.
 */
@Tag("root")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshHostsTest {
    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private static final String UNDERLAY_NS = "qmu" + PID;
    private static final String ROOT_VETH = "qmr" + PID;
    private static final String SUBNET = "172.31.213.";
    private static final String NETWORK = "meshnet";
    private static final int HOSTS = 3;
    private static final String MARKER = "QNF-MESH-MARKER-" + PID;

    static Path dir;
    static ClusterPki pki;
    static QnfServer server;
    static QnfClient client;
    static final List<Host> hosts = new ArrayList<>();
    static final List<DemoSandboxes> sandboxes = new ArrayList<>();
    static final List<String> containerIps = new ArrayList<>();

    /** One simulated host: its namespace, agent process and CNI installation. */
    static final class Host {
        final int index;
        final String ns;
        final String node;
        final String wg;
        final Path home;
        Process agent;

        Host(int index) {
            this.index = index;
            this.ns = "qmh" + index + "-" + PID;
            this.node = "mh" + index;
            this.wg = "qwg" + PID + index;
            this.home = dir.resolve(node);
        }

        String address() {
            return SUBNET + index;
        }

        Path state() {
            return home.resolve("agent-state");
        }

        Path tls;

        void start(String api) throws IOException {
            if (tls == null) {
                tls = pki.issueNode(node, home.resolve("tls")).cert().getParent();
            }
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:CICompilerCount=1",
                    "-cp", System.getProperty("java.class.path"), "dev.qnf.cli.Qnf",
                    "agent", "--node", node, "--endpoint", api, "--state-dir", state().toString(),
                    "--tls-dir", tls.toString(),
                    "--socket", DevAgent.socket(home).toString(), "--address", address(),
                    "--heartbeat-seconds", "2", "--resync-seconds", "10",
                    "--wg-interface", wg, "--wg-port", "51820"));
            Files.createDirectories(home);
            agent = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("agent.log").toFile())).start();
        }

        void stop() throws InterruptedException {
            if (agent != null && agent.isAlive()) {
                agent.destroy();
                if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }

        String peers() {
            return sh("wg", "show", wg, "peers");
        }
    }

    @BeforeAll
    static void hosts(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(NetNs.isRoot(), "needs root");
        Assumptions.assumeTrue(new ProcessBuilder("which", "wireguard-go").start().waitFor() == 0, "needs wireguard-go");
        dir = tmp;
        try {
            sh("ip", "netns", "add", UNDERLAY_NS);
            sh("ip", "-n", UNDERLAY_NS, "link", "add", "ul", "type", "bridge");
            sh("ip", "-n", UNDERLAY_NS, "link", "set", "ul", "up");
            sh("ip", "link", "add", ROOT_VETH, "type", "veth", "peer", "name", "cp", "netns", UNDERLAY_NS);
            sh("ip", "addr", "add", SUBNET + "254/24", "dev", ROOT_VETH);
            sh("ip", "link", "set", ROOT_VETH, "up");
            sh("ip", "-n", UNDERLAY_NS, "link", "set", "cp", "master", "ul", "up");
            for (int i = 1; i <= HOSTS; i++) {
                Host h = new Host(i);
                hosts.add(h);
                sh("ip", "netns", "add", h.ns);
                sh("ip", "link", "add", "eth0", "netns", h.ns, "type", "veth", "peer", "name", "h" + i, "netns", UNDERLAY_NS);
                sh("ip", "-n", UNDERLAY_NS, "link", "set", "h" + i, "master", "ul", "up");
                sh("ip", "-n", h.ns, "addr", "add", h.address() + "/24", "dev", "eth0");
                sh("ip", "-n", h.ns, "link", "set", "eth0", "up");
                sh("ip", "-n", h.ns, "link", "set", "lo", "up");
            }
            int apiPort = freePort();
            pki = ClusterPki.create(dir.resolve("ca"), "mesh.qnf");
            server = QnfServer.start(ServerConfig.of("mesh", dir.resolve("server"), "127.0.0.1:" + freePort(),
                    SUBNET + "254:" + apiPort, Map.of(), false).withTls(pki.issueServer("mesh", dir.resolve("server-tls"),
                    List.of(SUBNET + "254"))));
            client = QnfClient.connect(pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")), server.apiUrl());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.readiness().ready());
            client.createNetwork(new NetworkRequest(NETWORK, "10.213.0.0/16", null, null, null, null, false, 24, null,
                    null, null));
            for (Host h : hosts) {
                h.start(server.apiUrl().toString());
            }
            for (Host h : hosts) {
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(DevAgent.socket(h.home)));
                DemoSandboxes s = DemoSandboxes.install(h.home, NETWORK);
                sandboxes.add(s);
                var result = s.add(container(h.index));
                containerIps.add(result.path("ips").get(0).path("address").asText().replaceAll("/.*", ""));
            }
        } catch (Exception | AssertionError e) {
            cleanUp();
            throw e;
        }
    }

    static String container(int index) {
        return "m" + PID + "c" + index;
    }

    static NetNs containerNs(int index) {
        return NetNs.named("qnf-demo-" + container(index));
    }

    static String inContainer(int index, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", "qnf-demo-" + container(index)));
        full.addAll(List.of(cmd));
        return sh(full.toArray(String[]::new));
    }

    static boolean ping(int from, int to) {
        try {
            inContainer(from, "ping", "-c", "1", "-W", "1", containerIps.get(to - 1));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        sandboxes.forEach(DemoSandboxes::remove);
        for (Host h : hosts) {
            h.stop();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        for (Host h : hosts) {
            quietly("ip", "netns", "exec", h.ns, "ip", "link", "del", h.wg); // ends its wireguard-go
            quietly("ip", "netns", "del", h.ns);
        }
        quietly("ip", "link", "del", ROOT_VETH);
        quietly("ip", "netns", "del", UNDERLAY_NS);
    }

    @Test
    @Order(1)
    void containersOnDifferentHostsTalkOnlyThroughWireGuard() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> ping(1, 2) && ping(2, 3) && ping(3, 1));
        Path pcap = dir.resolve("underlay.pcap");
        Process capture = new ProcessBuilder("ip", "netns", "exec", UNDERLAY_NS, "tcpdump", "-i", "ul", "-U", "-n",
                "-w", pcap.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tcpdump.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pcap) && Files.size(pcap) > 0);
            // TCP: a marker line from container 1 to a listener in container 2
            CompletableFuture<String> tcp = CompletableFuture.supplyAsync(() ->
                    inContainer(2, "timeout", "20", "busybox", "nc", "-l", "-p", "7000"));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    inContainer(1, "sh", "-c", "echo " + MARKER + "-tcp | busybox nc -w 2 " + containerIps.get(1) + " 7000"));
            assertThat(tcp.get(30, TimeUnit.SECONDS)).contains(MARKER + "-tcp");
            // UDP: a datagram from container 3 to container 1, sockets opened inside the containers' namespaces
            try (DatagramSocket receiver = containerNs(1).run(() -> new DatagramSocket(7001));
                 DatagramSocket sender = containerNs(3).run(DatagramSocket::new)) {
                receiver.setSoTimeout(1000);
                byte[] payload = (MARKER + "-udp").getBytes(StandardCharsets.US_ASCII);
                DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                    sender.send(new DatagramPacket(payload, payload.length,
                            InetAddress.getByName(containerIps.get(0)), 7001));
                    receiver.receive(in);
                    return true;
                });
                assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII)).isEqualTo(MARKER + "-udp");
            }
            // the MTU boundary: the container interface got the tunnel MTU (1500 - 80), a full-size packet crosses
            String mtu = inContainer(1, "cat", "/sys/class/net/eth0/mtu").trim();
            assertThat(mtu).isEqualTo("1420");
            inContainer(1, "ping", "-c", "2", "-W", "2", "-M", "do", "-s", "1392", "-p", hex(MARKER), containerIps.get(1));
            assertThat(pingFails(1, 2, 1393)).as("one byte over the MTU with DF set must not leave").isTrue();
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

    @Test
    @Order(2)
    void restartingOneAgentDoesNotInterruptTheOthers() throws Exception {
        Host third = hosts.get(2);
        CompletableFuture<String> pings = CompletableFuture.supplyAsync(() ->
                inContainer(1, "ping", "-c", "40", "-i", "0.25", "-W", "1", containerIps.get(1)));
        third.stop();
        third.start(server.apiUrl().toString());
        String out = pings.get(60, TimeUnit.SECONDS);
        assertThat(out).contains(" 0% packet loss");
        await().atMost(Duration.ofSeconds(60)).until(() -> ping(1, 3));
    }

    @Test
    @Order(3)
    void aRotatedKeyIsPublishedAndTrafficResumes() throws Exception {
        Host second = hosts.get(1);
        String before = client.getNode(second.node).publicKey();
        assertThat(Qnf.run("node", "rotate-key", "--state-dir", second.state().toString())).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> !client.getNode(second.node).publicKey().equals(before));
        String after = client.getNode(second.node).publicKey();
        await().atMost(Duration.ofSeconds(15)).until(() -> hosts.get(0).peers().contains(after)
                && !hosts.get(0).peers().contains(before));
        await().atMost(Duration.ofSeconds(15)).until(() -> ping(1, 2) && ping(3, 2));
    }

    @Test
    @Order(4)
    void aRemovedNodeLosesItsTunnelsWithinFiveSeconds() throws Exception {
        Host third = hosts.get(2);
        third.stop(); // its agent would register it again; the data plane stays as it was
        String key = client.getNode(third.node).publicKey();
        assertThat(hosts.get(0).peers()).contains(key);
        long t0 = System.nanoTime();
        client.removeNode(third.node);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                !hosts.get(0).peers().contains(key) && !hosts.get(1).peers().contains(key));
        System.out.printf("node removal reached both peers in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(ping(1, 3)).isFalse();
        assertThat(ping(1, 2)).isTrue();
        assertThat(client.listNodes().nodes()).extracting(NodeView::name).doesNotContain(third.node);
    }

    private static boolean pingFails(int from, int to, int size) {
        try {
            inContainer(from, "ping", "-c", "1", "-W", "2", "-M", "do", "-s", Integer.toString(size), containerIps.get(to - 1));
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void quietly(String... cmd) {
        try {
            sh(cmd);
        } catch (IllegalStateException ignored) {
            // cleanup of something already gone
        }
    }
}
