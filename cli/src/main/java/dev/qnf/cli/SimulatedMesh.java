package dev.qnf.cli;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Simulated hosts on one machine, for {@code qnf demo} and the mesh tests: an underlay namespace holding bridges (LAN segments), joined to
 * the test's namespace where an in-process control plane (mTLS) listens; hosts as namespaces on a segment, each with
 * its own {@code qnf agent} process and WireGuard interface; NAT routers; containers as namespaces plugged in through
 * a host's CNI socket. Names carry the pid and a tag, and {@link #close} removes everything it made, pass or fail.
 * A host gets its node identity either from the test's CA directly or, as an operator brings in a new site, only
 * through {@code qnf agent --join} with a join token over the server's join port ({@link #joiningHost}).
 */
final class SimulatedMesh implements AutoCloseable {
    static final String NETWORK = "meshnet";

    final String tag;
    final String subnet;
    final Path dir;
    final String underlay;
    private final String rootVeth;
    private final List<Host> hosts = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<DemoSandboxes> sandboxes = new ArrayList<>();
    ClusterPki pki;
    QnfServer server;
    QnfClient client;
    private int joinPort;

    /** One simulated host: its namespace, agent process and container. */
    final class Host {
        final String node;
        final String ns;
        final String wg;
        final String address;
        final Path home;
        final List<String> agentArgs;
        /**
         * {@code --join URL --token T --ca-hash H}, on every start as an operator's unit file would have it (a
         * restart finds the identity and does not join again); null: the identity comes from the CA.
         */
        List<String> join;
        Path tls;
        Process agent;
        String containerIp;

        Host(String node, String address, List<String> agentArgs) {
            this.node = node;
            this.ns = "qmh" + node + "-" + tag;
            this.wg = "qwg" + tag + node;
            this.address = address;
            this.home = dir.resolve(node);
            this.agentArgs = agentArgs;
        }

        Path state() {
            return home.resolve("agent-state");
        }

        void start() throws IOException {
            if (tls == null && join == null) {
                tls = pki.issueNode(node, home.resolve("tls")).cert().getParent();
            } else if (tls == null) {
                tls = home.resolve("tls");   // filled by the agent's join; it never sees the CA
            }
            List<String> cmd = qnf("agent", "--node", node, "--endpoint", server.apiUrl().toString(), "--state-dir",
                    state().toString(), "--tls-dir", tls.toString(), "--socket", DevAgent.socket(home).toString(),
                    "--address", address, "--heartbeat-seconds", "2", "--resync-seconds", "10",
                    "--wg-interface", wg, "--wg-port", "51820");
            cmd.addAll(agentArgs);
            if (join != null) {
                cmd.addAll(join);
            }
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

        /** The command line of a {@code qnf} process in this host's namespace (a small JVM: many run at once). */
        List<String> qnf(String... args) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:CICompilerCount=1",
                    "-cp", System.getProperty("java.class.path"), "dev.qnf.cli.Qnf"));
            cmd.addAll(List.of(args));
            return cmd;
        }

        /** Runs {@code qnf args...} in this host's namespace to its end: exit code and output. */
        Run run(Duration timeout, String... args) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(qnf(args)).redirectErrorStream(true).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("qnf " + String.join(" ", args) + " still running after " + timeout
                        + ": " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }

        /** `wg show IFNAME what` (the UAPI sockets of every namespace are in one directory). */
        String wg(String what) {
            return sh("wg", "show", wg, what);
        }

        String container() {
            return "m" + tag + node;
        }

        NetNs containerNs() {
            return NetNs.named("qnf-demo-" + container());
        }

        String inContainer(String... cmd) {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", "qnf-demo-" + container()));
            full.addAll(List.of(cmd));
            return sh(full.toArray(String[]::new));
        }

        boolean ping(Host to) {
            try {
                inContainer("ping", "-c", "1", "-W", "1", to.containerIp);
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        }
    }

    /** A finished process: its exit code and its output (stdout and stderr). */
    record Run(int exit, String output) {
    }

    /** @param subnet the first three octets of the public segment, with the dot ("172.31.213.") */
    SimulatedMesh(Path dir, String tag, String subnet) {
        this.dir = dir;
        this.tag = tag;
        this.subnet = subnet;
        this.underlay = "qmu" + tag;
        this.rootVeth = "qmr" + tag;
    }

    /** Null when this machine can run it, else what is missing. */
    static String missing() throws IOException, InterruptedException {
        if (!NetNs.isRoot()) {
            return "needs root";
        }
        return new ProcessBuilder("which", "wireguard-go").start().waitFor() == 0 ? null : "needs wireguard-go";
    }

    /** Polls {@code condition} every 200 ms until it holds; false after {@code timeout}. */
    static boolean waitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // not yet: the server or the socket is still coming up
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The underlay with its public segment "ul" (the control plane at .254 of it), the server and the network. */
    SimulatedMesh start() throws Exception {
        addNs(underlay);
        segment("ul");
        sh("ip", "link", "add", rootVeth, "type", "veth", "peer", "name", "cp", "netns", underlay);
        sh("ip", "addr", "add", subnet + "254/24", "dev", rootVeth);
        sh("ip", "link", "set", rootVeth, "up");
        sh("ip", "-n", underlay, "link", "set", "cp", "master", "ul", "up");
        pki = ClusterPki.create(dir.resolve("ca"), "mesh.qnf");
        joinPort = freePort();
        server = QnfServer.start(ServerConfig.of("mesh", dir.resolve("server"), "127.0.0.1:" + freePort(),
                subnet + "254:" + freePort(), Map.of(), false).withTls(pki.issueServer("mesh",
                dir.resolve("server-tls"), List.of(subnet + "254"))).withJoinPort(subnet + "254:" + joinPort,
                pki.dir()));
        client = QnfClient.connect(pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")), server.apiUrl());
        if (!waitUntil(Duration.ofSeconds(60), () -> client.readiness().ready())) {
            throw new IllegalStateException("the control plane did not become ready within 60 s");
        }
        client.createNetwork(new NetworkRequest(NETWORK, "10.213.0.0/16", null, null, null, null, false, 24, null,
                null, null));
        // networks deny by default (docs/policy.md): this one is open inside, across hosts as within one
        client.applyPolicies(new PolicyFile(List.of(), Map.of(NETWORK, "allow"), List.of()));
        return this;
    }

    /** A LAN segment: a bridge in the underlay namespace. */
    void segment(String bridge) {
        sh("ip", "-n", underlay, "link", "add", bridge, "type", "bridge");
        sh("ip", "-n", underlay, "link", "set", bridge, "up");
    }

    /** A host on {@code bridge} with {@code address}/24 (default route via {@code gateway} if not null). */
    Host host(String node, String bridge, String address, String gateway, String... agentArgs) throws IOException {
        return host(node, bridge, address, gateway, null, agentArgs);
    }

    private Host host(String node, String bridge, String address, String gateway, List<String> join,
                      String... agentArgs) throws IOException {
        Host h = new Host(node, address, List.of(agentArgs));
        h.join = join;
        hosts.add(h);
        addNs(h.ns);
        plug(h.ns, "eth0", bridge, address);
        if (gateway != null) {
            sh("ip", "-n", h.ns, "route", "add", "default", "via", gateway);
        }
        h.start();
        return h;
    }

    /**
     * A host that has nothing but a join token for {@code site} (one use) and the CA pin: its agent's first start
     * runs {@code qnf agent --join https://<server>:<join port> --token T --ca-hash H}, which gets its certificate
     * over the join port and puts it in that site (no {@code --site} needed: the token's is taken).
     */
    Host joiningHost(String node, String site, String bridge, String address, String gateway, String... agentArgs)
            throws IOException {
        TokenCreated t = siteToken(site, 1);
        return host(node, bridge, address, gateway, List.of("--join", joinUrl(), "--token", t.token(), "--ca-hash",
                t.caHash()), agentArgs);
    }

    /** A node join token for {@code site}, valid an hour, as {@code qnf token create --site} makes it. */
    TokenCreated siteToken(String site, int uses) {
        return client.createToken(new TokenRequest(3600L, uses, "node", site));
    }

    /** The server's join port, as a host sees it (on the public segment, through NAT for LAN hosts). */
    String joinUrl() {
        // (QnfServer.joinPort() reports loopback/wildcard ports only; this one is bound to the segment's address)
        return "https://" + subnet + "254:" + joinPort;
    }

    /**
     * A NAT router: {@code publicAddress} on the public segment, {@code lanAddress} on {@code lan}, masquerading
     * everything that leaves on the public side (nft), as a home or office router does.
     */
    void router(String name, String publicAddress, String lan, String lanAddress) {
        String ns = "qmr" + name + "-" + tag;
        addNs(ns);
        plug(ns, "pub", "ul", publicAddress);
        plug(ns, "lan", lan, lanAddress);
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        sh("ip", "netns", "exec", ns, "nft", "add table ip nat; add chain ip nat post { type nat hook postrouting "
                + "priority srcnat; }; add rule ip nat post oifname \"pub\" masquerade");
    }

    /** The host's container: a namespace plugged in through its agent's CNI socket; returns its IPv4 address. */
    String container(Host h) throws IOException, InterruptedException {
        if (!waitUntil(Duration.ofSeconds(90), () -> Files.exists(DevAgent.socket(h.home)))) {
            throw new IllegalStateException("agent " + h.node + " did not open its CNI socket within 90 s; see "
                    + h.home.resolve("agent.log"));
        }
        DemoSandboxes s = DemoSandboxes.install(h.home, NETWORK);
        sandboxes.add(s);
        var result = s.add(h.container());
        h.containerIp = result.path("ips").get(0).path("address").asText().replaceAll("/.*", "");
        return h.containerIp;
    }

    /**
     * Another container on {@code h}: namespace qnf-demo-NAME on {@code network}, with endpoint {@code labels}
     * ({@code k=v,...}) for policies; returns its IPv4 address. Removed by {@link #close} like the others.
     */
    String container(Host h, String network, String name, String labels) throws IOException, InterruptedException {
        DemoSandboxes s = DemoSandboxes.install(h.home, network);
        sandboxes.add(s);
        return s.add(name, labels).path("ips").get(0).path("address").asText().replaceAll("/.*", "");
    }

    /**
     * A container on {@code h} in a dual-stack {@code network}: namespace qnf-demo-NAME; returns its IPv6 address.
     * Removed by {@link #close} like the others.
     */
    String container6(Host h, String network, String name) throws IOException, InterruptedException {
        DemoSandboxes s = DemoSandboxes.install(h.home, network);
        sandboxes.add(s);
        for (var ip : s.add(name).path("ips")) {
            String address = ip.path("address").asText().replaceAll("/.*", "");
            if (address.contains(":")) {
                return address;
            }
        }
        throw new IllegalStateException("container " + name + " got no IPv6 address in " + network);
    }

    private void plug(String ns, String ifname, String bridge, String address) {
        String outer = "v" + Integer.toHexString((ns + ifname).hashCode());
        sh("ip", "link", "add", ifname, "netns", ns, "type", "veth", "peer", "name", outer, "netns", underlay);
        sh("ip", "-n", underlay, "link", "set", outer, "master", bridge, "up");
        sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", ifname);
        sh("ip", "-n", ns, "link", "set", ifname, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
    }

    private void addNs(String ns) {
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    @Override
    public void close() throws InterruptedException {
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
        }
        namespaces.forEach(ns -> quietly("ip", "netns", "del", ns));
        quietly("ip", "link", "del", rootVeth);
    }

    static int freePort() throws IOException {
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
