package dev.qnf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestControlPlane;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.cni.CniClients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * One test's world: namespaces (the agent's "host" and the containers), a {@link NodeAgent} programming the host
 * namespace, and CNI calls made through the real plugin client over the agent's socket, exactly as a runtime makes
 * them. Closing it stops the agent and deletes every namespace (and with them every link and table).
 */
final class AgentLab implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the plugin printed and its exit code. */
    record Call(int exit, String stdout) {
        JsonNode json() {
            try {
                return stdout.isEmpty() ? JSON.createObjectNode() : JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + stdout, e);
            }
        }

        int code() {
            return json().path("code").asInt();
        }

        @Override
        public String toString() {
            return "exit " + exit + ": " + stdout;
        }
    }

    final TestControlPlane controlPlane;
    final TestNamespaces ns;
    final NetNs host;
    final AgentConfig config;
    NodeAgent agent;
    private final List<Path> netnsEtc = new ArrayList<>();

    private AgentLab(TestControlPlane controlPlane, Path dir, String node) {
        this(controlPlane, dir, node, false);
    }

    private AgentLab(TestControlPlane controlPlane, Path dir, String node, boolean metrics) {
        this.controlPlane = controlPlane;
        this.ns = TestNamespaces.create();
        try {
            this.host = ns.add("host");
            this.config = AgentConfig.builder(node, List.of(controlPlane.url())).hostNs(host)
                    .stateDir(dir.resolve("state")).socket(dir.resolve("run").resolve("agent.sock"))
                    .heartbeat(Duration.ofMillis(300)).resync(Duration.ofSeconds(3)).apiTimeout(Duration.ofSeconds(3))
                    .tls(controlPlane.nodeTls(node))
                    .metricsListen(metrics ? new InetSocketAddress("127.0.0.1", 0) : null).build();
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    static AgentLab start(TestControlPlane controlPlane, Path dir, String node) throws IOException {
        return start(new AgentLab(controlPlane, dir, node));
    }

    /** An agent serving /metrics on a free loopback port (the host's loopback: the HTTP server is not in a netns). */
    static AgentLab startWithMetrics(TestControlPlane controlPlane, Path dir, String node) throws IOException {
        return start(new AgentLab(controlPlane, dir, node, true));
    }

    /** GET /metrics of the running agent. */
    String scrape() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + agent.metricsAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    private static AgentLab start(AgentLab lab) throws IOException {
        try {
            lab.startAgent();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    void startAgent() throws IOException {
        agent = NodeAgent.start(config);
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.ready());
    }

    void stopAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    NetNs container(String name) {
        return ns.add(name);
    }

    static String nameOf(NetNs netns) {
        return netns.path().getFileName().toString();
    }

    /** A single plugin's configuration as a runtime passes it (name and cniVersion from the list). */
    static ObjectNode conf(String network, String version) {
        ObjectNode c = JSON.createObjectNode().put("cniVersion", version).put("name", network).put("type", "qnf")
                .put("network", network);
        return c;
    }

    Call cni(String command, String containerId, NetNs netns, String ifName, String args, JsonNode config) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_PATH", "/opt/cni/bin");
        env.put("QNF_AGENT_SOCKET", config().socket().toString());
        put(env, "CNI_CONTAINERID", containerId);
        put(env, "CNI_NETNS", netns == null ? null : netns.path().toString());
        put(env, "CNI_IFNAME", ifName);
        put(env, "CNI_ARGS", args);
        return raw(env, config.toString());
    }

    Call raw(Map<String, String> env, String stdin) {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("QNF_AGENT_SOCKET", config().socket().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = CniClients.run(e, stdin.getBytes(StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Call(exit, out.toString(StandardCharsets.UTF_8));
    }

    /** ADD {@code containerId}/eth0 to {@code network}, the config adjusted by {@code tweak}; fails unless it worked. */
    JsonNode add(String network, String containerId, NetNs netns, String args, Consumer<ObjectNode> tweak) {
        ObjectNode c = conf(network, "1.0.0");
        tweak.accept(c);
        Call call = cni("ADD", containerId, netns, "eth0", args, c);
        if (call.exit() != 0) {
            throw new AssertionError("ADD " + containerId + " failed: " + call);
        }
        return call.json();
    }

    Call del(String network, String containerId, NetNs netns) {
        return cni("DEL", containerId, netns, "eth0", null, conf(network, "1.0.0"));
    }

    Call check(String network, String containerId, NetNs netns, JsonNode prevResult) {
        ObjectNode c = conf(network, "1.0.0");
        c.set("prevResult", prevResult);
        return cni("CHECK", containerId, netns, "eth0", null, c);
    }

    Call status(String network) {
        return cni("STATUS", null, null, null, null, conf(network, "1.1.0"));
    }

    /** Writes the result's DNS as the namespace's resolv.conf, as a runtime would ({@code ip netns exec} mounts it). */
    void resolvConf(NetNs netns, JsonNode result) throws IOException {
        Path dir = Path.of("/etc/netns", nameOf(netns));
        if (!Files.exists(dir.getParent())) {
            netnsEtc.add(dir.getParent()); // ours: removed on close, after the namespace directories
        }
        Files.createDirectories(dir);
        netnsEtc.add(dir);
        StringBuilder sb = new StringBuilder();
        result.path("dns").path("nameservers").forEach(s -> sb.append("nameserver ").append(s.asText()).append('\n'));
        sb.append("search");
        result.path("dns").path("search").forEach(s -> sb.append(' ').append(s.asText()));
        sb.append("\noptions timeout:2 attempts:1\n");
        Files.writeString(dir.resolve("resolv.conf"), sb.toString());
    }

    /** {@code ip netns exec NAME cmd...}: exit code and output. */
    static Call exec(NetNs netns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", nameOf(netns)));
        full.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(30, TimeUnit.SECONDS);
            return new Call(done ? p.exitValue() : -1, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static boolean ping(NetNs from, String to) {
        return exec(from, "ping", "-c1", "-W2", to).exit() == 0;
    }

    /** Listens in {@code server} on {@code address:port}, connects from {@code client} to {@code dial:dialPort}. */
    static String tcp(NetNs client, NetNs server, String address, int port, String dial, int dialPort) throws Exception {
        try (ServerSocket listener = server.run(() -> new ServerSocket(port, 1, InetAddress.getByName(address)))) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listener.accept()) {
                    String peer = s.getInetAddress().getHostAddress();
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                    return peer;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String greeting = client.run(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(dial, dialPort == 0 ? listener.getLocalPort() : dialPort), 5000);
                    s.setSoTimeout(5000);
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            });
            String peer = served.get(10, TimeUnit.SECONDS);
            return greeting + " seen from " + peer;
        }
    }

    AgentConfig config() {
        return config;
    }

    private static void put(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }

    @Override
    public void close() {
        try {
            stopAgent();
        } finally {
            for (int i = netnsEtc.size() - 1; i >= 0; i--) {
                Path d = netnsEtc.get(i);
                try {
                    Files.deleteIfExists(d.resolve("resolv.conf"));
                    Files.deleteIfExists(d);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            ns.close();
        }
    }
}
