package dev.qnf.chaos.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, nft, kill) with a bound on their duration. */
public final class Shell {
    private Shell() {
    }

    /** The result of one command. */
    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public Result orThrow() {
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + exit + "): " + output.strip());
            }
            return this;
        }
    }

    /** Runs {@code command}, merging stderr into the output; exit 124 when it ran over 30 s and was killed. */
    public static Result run(String... command) {
        return run(Arrays.asList(command));
    }

    public static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(command, 124, new String(out, StandardCharsets.UTF_8));
            }
            return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(command, 127, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, 130, "interrupted");
        }
    }

    /** Runs a command that must succeed. */
    public static String must(String... command) {
        return run(command).orThrow().output();
    }

    /** Sends a signal (STOP, CONT, TERM, KILL) to a process. */
    public static void signal(long pid, String signal) {
        run("kill", "-" + signal, Long.toString(pid));
    }

    /** True when this process runs as root (namespaces and nftables need it). */
    public static boolean isRoot() {
        Result r = run("id", "-u");
        return r.ok() && r.output().strip().equals("0");
    }
}
