package dev.qnf.agent.testing;

import dev.qnf.agent.sys.NetNs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for one test, always removed on close (use try-with-resources), even when the test fails.
 * Names carry a random suffix so parallel or leftover runs never collide. Spawning {@code ip} is fine here: tests
 * are not the hot path.
 */
public final class TestNamespaces implements AutoCloseable {
    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final List<String> names = new ArrayList<>();

    private TestNamespaces() {
    }

    public static TestNamespaces create() {
        assumeRoot();
        return new TestNamespaces();
    }

    public static void assumeRoot() {
        Assumptions.assumeTrue(NetNs.isRoot(), "needs root (network namespaces)");
    }

    /** Creates namespace {@code qt-<name>-<suffix>} with loopback up. */
    public NetNs add(String name) {
        String full = "qt-" + name + "-" + suffix;
        sh("ip", "netns", "add", full);
        names.add(full);
        sh("ip", "-n", full, "link", "set", "lo", "up");
        return NetNs.named(full);
    }

    public String nameOf(String name) {
        return "qt-" + name + "-" + suffix;
    }

    /** Runs a command and returns its stdout; fails the test on a non-zero exit. */
    public static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs a command, returning its exit code instead of failing. */
    public static int status(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        for (String n : names) {
            status("ip", "netns", "del", n);
        }
        names.clear();
    }
}
