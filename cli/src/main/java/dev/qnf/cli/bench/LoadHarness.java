package dev.qnf.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: {@code clients} independent logical clients, each issuing its next operation when
 * the previous one completes, so exactly {@code clients} operations are in flight until the work runs out.
 *
 * <p>A run is two phases with a barrier between them: a warm-up (JIT, connections, leader caches) whose figures are
 * dropped, then the measured phase. Operations are numbered from 0 across both phases, so an operation can derive a
 * unique key from its number. Each client keeps its own histogram (its operations are sequential), so recording
 * needs no lock; the histograms are merged when the phase ends.
 *
 * <p>Every phase is bounded by its operation count and by {@code maxDuration}: past the deadline no client starts a
 * new operation and the figures cover what completed. Operations must bound themselves (e.g. a gRPC deadline).
 */
public final class LoadHarness {
    /** Latencies are recorded in microseconds. */
    private static final int SIGNIFICANT_DIGITS = 3;
    /** How long to wait for in-flight operations after the deadline before giving up on the run. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(60);

    private final int clients;
    private final long ops;
    private final long warmupOps;
    private final Duration maxDuration;
    private final LongSupplier nanoClock;
    private final PrintStream log;

    /**
     * @param clients     concurrent closed-loop clients (requests in flight), at least 1
     * @param ops         measured operations, at least 1
     * @param warmupOps   operations run before measuring, not counted, at least 0
     * @param maxDuration bound on each phase; clients stop starting operations after it
     */
    public LoadHarness(int clients, long ops, long warmupOps, Duration maxDuration) {
        this(clients, ops, warmupOps, maxDuration, System::nanoTime, System.err);
    }

    LoadHarness(int clients, long ops, long warmupOps, Duration maxDuration, LongSupplier nanoClock, PrintStream log) {
        if (clients < 1 || ops < 1 || warmupOps < 0 || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException(
                    ("need clients >= 1, ops >= 1, warmupOps >= 0, maxDuration > 0; "
                            + "got clients=%d ops=%d warmupOps=%d maxDuration=%s")
                            .formatted(clients, ops, warmupOps, maxDuration));
        }
        this.clients = clients;
        this.ops = ops;
        this.warmupOps = warmupOps;
        this.maxDuration = maxDuration;
        this.nanoClock = nanoClock;
        this.log = log;
    }

    /** The conventional warm-up: a tenth of the measured operations, but at least one per client. */
    public static long defaultWarmup(int clients, long ops) {
        return Math.max(ops / 10, clients);
    }

    /**
     * Runs the warm-up then the measured phase.
     *
     * @param target    the name put in the result
     * @param operation starts operation number {@code n} and returns its completion; it must not block
     */
    public BenchResult run(String target, LongFunction<? extends CompletableFuture<?>> operation)
            throws InterruptedException {
        if (warmupOps > 0) {
            Phase warmup = new Phase(0, warmupOps, operation);
            warmup.runToEnd();
            if (warmup.errors() > 0) {
                log.printf("%s: %d of %d warm-up operations failed%n", target, warmup.errors(), warmup.completed());
            }
        }
        Phase measured = new Phase(warmupOps, ops, operation);
        measured.runToEnd();
        return measured.result(target);
    }

    /** One phase: operations {@code [first, first + count)} spread over the clients. */
    private final class Phase {
        private final long count;
        private final long end;
        private final AtomicLong next;
        private final LongFunction<? extends CompletableFuture<?>> operation;
        private final Client[] loops = new Client[clients];
        private final AtomicBoolean errorLogged = new AtomicBoolean();
        private long startNanos;
        private long deadlineNanos;

        Phase(long first, long count, LongFunction<? extends CompletableFuture<?>> operation) {
            this.count = count;
            this.end = first + count;
            this.next = new AtomicLong(first);
            this.operation = operation;
        }

        void runToEnd() throws InterruptedException {
            startNanos = nanoClock.getAsLong();
            deadlineNanos = startNanos + maxDuration.toNanos();
            CompletableFuture<?>[] done = new CompletableFuture<?>[clients];
            for (int i = 0; i < clients; i++) {
                loops[i] = new Client();
                done[i] = loops[i].done;
            }
            for (Client client : loops) {
                client.issueNext();
            }
            try {
                CompletableFuture.allOf(done).get(maxDuration.plus(DRAIN_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "operations still in flight %s after the deadline; do they have a timeout?"
                        .formatted(DRAIN_GRACE), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a client loop failed", e.getCause());
            }
            if (completed() < count) {
                log.printf("stopped at the %s deadline: %d of %d operations done%n", maxDuration, completed(), count);
            }
        }

        long completed() {
            long n = 0;
            for (Client c : loops) {
                n += c.completed;
            }
            return n;
        }

        long errors() {
            long n = 0;
            for (Client c : loops) {
                n += c.errors;
            }
            return n;
        }

        BenchResult result(String target) {
            Histogram all = new Histogram(SIGNIFICANT_DIGITS);
            long lastEnd = startNanos;
            for (Client c : loops) {
                all.add(c.latencies);
                lastEnd = Math.max(lastEnd, c.finishedNanos);
            }
            long completed = completed();
            long errors = errors();
            double seconds = Math.max(lastEnd - startNanos, 1) / 1e9;
            return new BenchResult(target, clients, completed, errors, (completed - errors) / seconds,
                    millis(all, 50), millis(all, 99), all.getTotalCount() == 0 ? 0 : all.getMaxValue() / 1000.0);
        }

        private static double millis(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
        }

        /** One logical client. Its fields are written only by its own sequential chain of completions. */
        private final class Client {
            final Histogram latencies = new Histogram(SIGNIFICANT_DIGITS);
            final CompletableFuture<Void> done = new CompletableFuture<>();
            long completed;
            long errors;
            long finishedNanos;

            /** Starts operations until one is still pending; loops rather than recursing over ones already complete. */
            void issueNext() {
                while (true) {
                    long n = next.getAndIncrement();
                    long now = nanoClock.getAsLong();
                    if (n >= end || now > deadlineNanos) {
                        finishedNanos = now;
                        done.complete(null);
                        return;
                    }
                    CompletableFuture<?> pending = start(n);
                    if (pending.isDone()) {
                        record(now, pending.isCompletedExceptionally() ? failure(pending) : null);
                        continue;
                    }
                    pending.whenComplete((ignored, error) -> {
                        record(now, error);
                        issueNext();
                    });
                    return;
                }
            }

            private CompletableFuture<?> start(long n) {
                try {
                    CompletableFuture<?> f = operation.apply(n);
                    return f != null
                            ? f : CompletableFuture.failedFuture(new NullPointerException("operation returned null"));
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            private void record(long startedNanos, Throwable error) {
                completed++;
                if (error == null) {
                    latencies.recordValue(Math.max(0, (nanoClock.getAsLong() - startedNanos) / 1000));
                } else {
                    errors++;
                    if (errorLogged.compareAndSet(false, true)) {
                        log.println("first error: " + describe(error));
                    }
                }
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
