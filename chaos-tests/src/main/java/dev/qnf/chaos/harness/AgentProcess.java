package dev.qnf.chaos.harness;

import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.TlsFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code qnf agent} child process in its own network namespace on the fabric (its "host"), registered as node
 * {@link #NODE}. Its CNI socket is a file, reachable from the test JVM whatever the network namespace.
 */
public final class AgentProcess {
    public static final String NODE = "chaos-node";

    private final ServerNetwork.Place place;
    private final Path stateDir;
    private final Path socket;
    private final Path log;
    private volatile Process process;

    AgentProcess(ServerNetwork.Place place, Path dir, Path socket) {
        this.place = place;
        this.stateDir = dir.resolve("state");
        this.socket = socket;
        this.log = dir.resolve("agent.log");
    }

    /** An agent on slot {@code slot} of {@code network}, its state under {@code dir}, its socket under /run. */
    public static AgentProcess on(ServerNetwork network, int slot, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path socketDir = Path.of("/run", "qnf-chaos-" + ProcessHandle.current().pid() + "-" + slot);
        Files.createDirectories(socketDir);
        return new AgentProcess(network.attach(slot), dir, socketDir.resolve("agent.sock"));
    }

    public Path socket() {
        return socket;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path log() {
        return log;
    }

    /**
     * Starts the agent against these control-plane URLs (heartbeat every 2 s, full pass every 10 s), with a node
     * identity issued by {@code pki}.
     */
    public synchronized void start(List<URI> endpoints, ClusterPki pki) throws IOException {
        Path tls = stateDir.resolveSibling("tls");
        if (!TlsFiles.in(tls).exist()) {
            pki.issueNode(NODE, tls);
        }
        List<String> cmd = new ArrayList<>(place.commandPrefix());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ServerProcess.JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.qnf.cli.Qnf");
        cmd.addAll(List.of("agent", "--node", NODE, "--endpoint",
                endpoints.stream().map(URI::toString).collect(Collectors.joining(",")),
                "--tls-dir", tls.toString(), "--state-dir", stateDir.toString(), "--socket", socket.toString(), "--address", place.host(),
                "--heartbeat-seconds", "2", "--resync-seconds", "10"));
        Files.writeString(log, "\n==== start " + Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGTERM (the agent leaves the data plane as it is), SIGKILL after 20 s. */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** Releases still queued in the state dir. */
    public int pendingReleases() {
        Path dir = stateDir.resolve("releases");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return (int) files.filter(f -> f.toString().endsWith(".json")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
