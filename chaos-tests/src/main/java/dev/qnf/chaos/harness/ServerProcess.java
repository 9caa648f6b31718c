package dev.qnf.chaos.harness;

import dev.qnf.api.pki.TlsFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code qnf server} child process: where it lives, its data directory, and the signals the faults send it.
 * The process is exec'd by {@code ip netns exec}, so its pid is the JVM's and signals reach the server itself.
 */
public final class ServerProcess {
    /** The JVM flags of a server: small heap, serial GC, C1 only; a loaded 2-core machine runs five of these. */
    public static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k", "-XX:CICompilerCount=1",
            // role changes and elections, for reading a failed run
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis.server.impl=info");

    private final String id;
    private final ServerNetwork.Place place;
    private final Path dataDir;
    private volatile Process process;
    private volatile boolean paused;

    private final TlsFiles admin;

    ServerProcess(String id, ServerNetwork.Place place, Path dataDir, TlsFiles admin) {
        this.id = id;
        this.place = place;
        this.dataDir = dataDir;
        this.admin = admin;
    }

    /** The identity the harness's clients of this server present. */
    public TlsFiles admin() {
        return admin;
    }

    public String id() {
        return id;
    }

    public int slot() {
        return place.slot();
    }

    public ServerNetwork.Place place() {
        return place;
    }

    public URI apiUrl() {
        return URI.create("https://" + place.apiAddress());
    }

    public String raftAddress() {
        return place.raftAddress();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return dataDir.resolveSibling(id + ".log");
    }

    /** Starts the server; {@code peers} for a member of the initial group, {@code joinUrl} to be added later. */
    synchronized void start(String peers, String joinUrl) throws IOException {
        if (running()) {
            throw new IllegalStateException(id + " is already running");
        }
        Files.createDirectories(dataDir);
        List<String> cmd = new ArrayList<>(place.commandPrefix());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.qnf.cli.Qnf");
        cmd.addAll(List.of("server", "--id", id, "--data", dataDir.toString(), "--raft", place.raftAddress(),
                "--api", place.apiAddress()));
        if (joinUrl != null) {
            cmd.addAll(List.of("--join", joinUrl));
        } else {
            cmd.addAll(List.of("--peers", peers));
        }
        Files.writeString(log(), "\n==== start " + java.time.Instant.now() + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        paused = false;
    }

    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public boolean paused() {
        return paused && running();
    }

    /** The exit code once the process has ended, or -1 while it runs (or never ran). */
    public int exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? -1 : p.exitValue();
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** SIGKILL, then wait for the process to be gone. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        waitGone(p, 30);
        paused = false;
    }

    /** SIGTERM (the server closes cleanly), then SIGKILL if it takes longer than {@code seconds}. */
    public synchronized void terminate(int seconds) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (paused) {
            resume();
        }
        p.destroy();
        if (!waitGone(p, seconds)) {
            p.destroyForcibly();
            waitGone(p, 30);
        }
    }

    /** SIGSTOP: the process stays, its sockets stay open, nothing runs. */
    public synchronized void pause() {
        if (running()) {
            Shell.signal(pid(), "STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (running()) {
            Shell.signal(pid(), "CONT");
        }
        paused = false;
    }

    private static boolean waitGone(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return id + "@" + place.apiAddress() + (running() ? " pid " + pid() + (paused ? " (paused)" : "") : " (down)");
    }
}
