package dev.qnf.mesh.device;

import dev.qnf.mesh.uapi.UapiClient;
import dev.qnf.mesh.uapi.UapiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@code wireguard-go -f IFNAME} for a host whose kernel has no WireGuard module. The daemon creates the tun
 * interface in the network namespace it starts in (the agent's own, or {@code netns} through {@code nsenter}) and
 * serves the UAPI socket; this class waits until that socket answers.
 *
 * <p>A daemon already serving the interface is adopted, not replaced: an agent restart keeps every tunnel up.
 * The daemon's output goes to a log file rather than a pipe, so it outlives the agent's JVM. {@link #stop} ends
 * only a daemon this instance started; deleting the interface (or its namespace) ends any.
 */
public final class WireGuardGo {
    private static final Logger LOG = LoggerFactory.getLogger(WireGuardGo.class);
    public static final String BINARY = "wireguard-go";

    private final String ifname;
    private final Path netns;
    private final Path log;
    private final Duration startTimeout;
    private final UapiClient uapi;
    private Process process;

    /**
     * @param ifname interface name, at most 15 characters; unique on the machine since UAPI sockets of every
     *               namespace share {@link UapiClient#SOCKET_DIR}
     * @param netns  the namespace to create it in, or null for the caller's own
     * @param log    where the daemon's output goes
     */
    public WireGuardGo(String ifname, Path netns, Path log, Duration startTimeout) {
        if (ifname == null || ifname.isEmpty() || ifname.length() > 15 || !ifname.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("interface name '" + ifname + "' must be 1-15 characters of [A-Za-z0-9_.-]");
        }
        this.ifname = ifname;
        this.netns = netns;
        this.log = log;
        this.startTimeout = startTimeout;
        this.uapi = new UapiClient(UapiClient.SOCKET_DIR.resolve(ifname + ".sock"), Duration.ofSeconds(10));
    }

    /** Whether a wireguard-go binary is on the PATH. */
    public static boolean installed() {
        return Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> List.of(p.split(":")).stream())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, BINARY)));
    }

    /** Adopts a running daemon or starts one, and returns the device once its UAPI answers. */
    public synchronized UserspaceDevice ensureRunning() throws IOException {
        if (answers()) {
            LOG.info("wireguard-go for {} already running: adopting it", ifname);
            return new UserspaceDevice(ifname, uapi);
        }
        Files.deleteIfExists(uapi.socket()); // a stale socket of a dead daemon
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("nsenter", "--net=" + netns));
        }
        cmd.addAll(List.of(BINARY, "-f", ifname));
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("LOG_LEVEL", "error");
        process = pb.start();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IOException("wireguard-go -f " + ifname + " exited with " + process.exitValue() + ": "
                        + tail(log));
            }
            if (System.nanoTime() > deadline) {
                process.destroy();
                throw new IOException("wireguard-go -f " + ifname + " did not open " + uapi.socket() + " within "
                        + startTimeout + ": " + tail(log));
            }
            sleep(20);
        }
        LOG.info("wireguard-go started for {} (pid {})", ifname, process.pid());
        return new UserspaceDevice(ifname, uapi);
    }

    private boolean answers() {
        if (!Files.exists(uapi.socket())) {
            return false;
        }
        try {
            uapi.get();
            return true;
        } catch (UapiException e) {
            return false;
        }
    }

    /** Ends the daemon this instance started (its interface goes with it); a no-op for an adopted one. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting wireguard-go");
        }
    }
}
