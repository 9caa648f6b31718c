package dev.qnf.cli.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command to completion with a time limit and keeps its exit code, stdout and stderr. A command that outlives
 * its limit is killed and reported as exit code -1, so no test waits forever on a hung podman or ip.
 */
public final class Sh {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Sh() {
    }

    /** What a finished command left. */
    public record Result(List<String> command, int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }

        /** This result if the command succeeded, else an AssertionError naming the command and its output. */
        public Result orFail() {
            if (exit != 0) {
                throw new AssertionError(this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + (out.isBlank() ? "" : "\nstdout: " + out.strip())
                    + (err.isBlank() ? "" : "\nstderr: " + err.strip());
        }
    }

    public static Result run(String... command) {
        return run(List.of(command), Map.of(), DEFAULT_TIMEOUT);
    }

    /** Runs {@code command} with {@code env} added to this process's environment. */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        return run(command, env, timeout, new byte[0]);
    }

    /** Runs {@code command} with {@code env} added to this process's environment and {@code stdin} as its input. */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, "", e.getMessage());
        }
        try {
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException closedEarly) {
                // the command did not read all of its input; its exit code tells the rest
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(List.copyOf(command), done ? p.exitValue() : -1, out.get(10, TimeUnit.SECONDS),
                    (done ? "" : "timed out after " + timeout + "\n") + err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("reading the output of " + command, e);
        }
    }

    /** Reads a stream to its end on a thread of its own (not a shared pool, which has one thread on 2 cores). */
    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "sh-drain");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
