package dev.qnf.chaos.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.chaos.harness.AgentProcess;
import dev.qnf.chaos.harness.NamespaceNetwork;
import dev.qnf.chaos.harness.Shell;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;
import dev.qnf.concurrent.DaemonThreads;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A container runtime on the agent's node: it creates a network namespace per container and sends CNI ADD and DEL
 * to the agent's socket (the same wire protocol as the {@code qnf} plugin binary), like podman would. A failed
 * ADD is followed by a DEL, as the CNI spec asks of runtimes. Every call is recorded.
 */
public final class AgentTraffic {
    public static final String NETWORK = "agentnet";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** CNI error 11: try again later. */
    public static final int TRY_AGAIN = 11;

    private final Recorder recorder;
    private final AgentProcess agent;
    private final NamespaceNetwork network;
    private final Random random;
    /** container id to its namespace path, for those whose ADD succeeded and that were not deleted. */
    private final Map<String, String> attached = new LinkedHashMap<>();
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean stop;
    private int counter;

    public AgentTraffic(Recorder recorder, AgentProcess agent, NamespaceNetwork network, Random random) {
        this.recorder = recorder;
        this.agent = agent;
        this.network = network;
        this.random = random;
        this.thread = DaemonThreads.thread("chaos-agent-runtime", this::run);
    }

    public void start() {
        thread.start();
    }

    public void stop() throws InterruptedException {
        stop = true;
        thread.join(CALL_TIMEOUT.toMillis() * 2 + 5_000);
    }

    private void run() {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!stop && !ready()) {
            if (System.nanoTime() > deadline) {
                return; // the final STATUS check reports it
            }
            sleep(500);
        }
        while (!stop) {
            if (attached.size() < 4 || random.nextDouble() < 0.55) {
                add();
            } else {
                List<String> ids = new ArrayList<>(attached.keySet());
                del(ids.get(random.nextInt(ids.size())));
            }
            sleep(400 + random.nextInt(600));
        }
    }

    /** True once the agent's view (its state dir) has the network {@code name}: its watch got that far. */
    public boolean viewHasNetwork(String name) {
        try {
            JsonNode view = JSON.readTree(agent.stateDir().resolve("view.json").toFile());
            return view.toString().contains("\"" + name + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean ready() {
        try {
            return status() == 0;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until STATUS answers 0; false after {@code timeout}. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return true;
            }
            sleep(500);
        }
        return false;
    }

    private void add() {
        String container = "c" + (++counter);
        String netns = network.containerNamespace(container);
        Operation op = call("ADD", container, netns);
        if (op.ok()) {
            attached.put(container, netns);
            addresses.put(container, ((Output.CniAnswer) op.output()).ip());
        } else {
            delUntilDone(container, netns); // a runtime cleans up after a failed ADD
            network.deleteContainerNamespace(netns);
        }
    }

    private void del(String container) {
        String netns = attached.remove(container);
        addresses.remove(container);
        delUntilDone(container, netns);
        network.deleteContainerNamespace(netns);
    }

    /**
     * DEL, again while the answer is 11 (the plugin's answer when the agent itself is unreachable, e.g. restarting),
     * as runtimes do: a DEL must eventually succeed.
     */
    private void delUntilDone(String container, String netns) {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        Operation op = call("DEL", container, netns);
        while (!op.ok() && op.output() instanceof Output.CniAnswer a && a.code() == TRY_AGAIN
                && System.nanoTime() < deadline) {
            sleep(1000);
            op = call("DEL", container, netns);
        }
    }

    /** CNI GC listing the containers still attached: the agent releases what it holds for no listed container. */
    public Operation gc() {
        Input.Cni in = new Input.Cni(NETWORK, "gc", "");
        return recorder.record("agent", AgentProcess.NODE, Kind.CNI_GC, in, () -> send("GC", "", "",
                List.copyOf(attached.keySet())));
    }

    /** One recorded CNI call. */
    public Operation call(String command, String container, String netns) {
        Input.Cni in = new Input.Cni(NETWORK, container, netns);
        return recorder.record("agent", AgentProcess.NODE, command.equals("ADD") ? Kind.CNI_ADD : Kind.CNI_DEL, in,
                () -> send(command, container, netns, null));
    }

    /** STATUS: 0 when the agent reaches the control plane and has programmed the host. */
    public int status() {
        return send("STATUS", "status", "", null).code();
    }

    /**
     * One call on the agent's socket, as the {@code qnf} plugin makes it. Like the plugin, an agent that cannot be
     * reached is answered with code 11 (try again later); an agent that takes the call and never answers throws
     * (an unknown outcome).
     */
    private Output.CniAnswer send(String command, String container, String netns, List<String> valid) {
        ObjectNode conf = JSON.createObjectNode().put("cniVersion", "1.1.0").put("name", NETWORK).put("type", "qnf")
                .put("network", NETWORK);
        if (valid != null) {
            var list = conf.putArray("cni.dev/valid-attachments");
            valid.forEach(c -> list.addObject().put("containerID", c).put("ifname", "eth0"));
        }
        ObjectNode request = JSON.createObjectNode().put("command", command).put("containerId", container)
                .put("netns", netns).put("ifName", "eth0").put("args", "").put("path", "/opt/cni/bin")
                .put("stdin", conf.toString());
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            ch.connect(UnixDomainSocketAddress.of(agent.socket()));
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            return new Output.CniAnswer(TRY_AGAIN, null, "qnf agent is not reachable: " + e.getMessage());
        }
        DaemonThreads.start("chaos-cni-call", () -> {
            try (ch) {
                ByteBuffer buf = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.shutdownOutput();
                answer.complete(Channels.newInputStream(ch).readAllBytes());
            } catch (IOException e) {
                answer.completeExceptionally(e);
            }
        });
        byte[] bytes;
        try {
            bytes = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
            throw new IllegalStateException("no answer from the agent in " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("agent socket: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl < 0) {
            throw new IllegalStateException("malformed agent answer: " + text);
        }
        int exit = Integer.parseInt(text.substring(0, nl).trim());
        String body = text.substring(nl + 1);
        int code = exit == 0 ? 0 : errorCode(body, exit);
        return new Output.CniAnswer(code, code == 0 && command.equals("ADD") ? ipOf(body) : null,
                code == 0 ? "" : body.length() > 300 ? body.substring(0, 300) : body);
    }

    /** A failed call exits non-zero and prints the CNI error, whose {@code code} is what matters. */
    private static int errorCode(String body, int exit) {
        try {
            JsonNode code = JSON.readTree(body).path("code");
            return code.isInt() ? code.asInt() : exit;
        } catch (IOException e) {
            return exit;
        }
    }

    private static String ipOf(String result) {
        try {
            JsonNode ips = JSON.readTree(result).path("ips");
            for (JsonNode ip : ips) {
                String address = ip.path("address").asText();
                if (address.contains(".")) {
                    return address.substring(0, address.indexOf('/'));
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Containers still attached, with the address their ADD answered. */
    public Map<String, String> attached() {
        return Map.copyOf(addresses);
    }

    public Map<String, String> namespaces() {
        return Map.copyOf(attached);
    }

    /** The IPv4 address eth0 has inside a container's namespace, or null. */
    public static String addressInside(String netns) {
        String ns = netns.substring(netns.lastIndexOf('/') + 1);
        Shell.Result r = Shell.run("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0");
        if (!r.ok()) {
            return null;
        }
        for (String word : r.output().split("\\s+")) {
            if (word.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
                return word.substring(0, word.indexOf('/'));
            }
        }
        return null;
    }
}
