package dev.qnf.agent.sys;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Loads a kernel module with {@code modprobe}. Only for start-up, once: loading a module is a host setup step, not
 * something the agent repeats, so spawning the system's own loader (which knows the module's path, compression and
 * dependencies) is simpler and safer than {@code finit_module(2)}.
 */
public final class KernelModules {
    private KernelModules() {
    }

    /** Loads {@code name}; empty when it loaded (or was built in), else what went wrong. */
    public static Optional<String> load(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a module name: " + name);
        }
        try {
            Process p = new ProcessBuilder("modprobe", name).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("modprobe " + name + " did not finish within 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("modprobe " + name + " exited with " + p.exitValue() + (out.isEmpty() ? "" : ": " + out));
        } catch (IOException e) {
            return Optional.of("modprobe " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while loading " + name);
        }
    }
}
