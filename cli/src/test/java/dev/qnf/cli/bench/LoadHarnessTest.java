package dev.qnf.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadHarnessTest {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private CompletableFuture<Void> later(long millis) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        timer.schedule(() -> f.complete(null), millis, TimeUnit.MILLISECONDS);
        return f;
    }

    @Test
    void keepsExactlyClientsInFlightAndRunsEveryOperationOnce() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        LoadHarness h = new LoadHarness(8, 400, 40, Duration.ofSeconds(30), System::nanoTime, log);
        BenchResult r = h.run("t", n -> {
            assertThat(seen.add(n)).as("op %d issued twice", n).isTrue();
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return later(1).whenComplete((v, e) -> inFlight.decrementAndGet());
        });
        assertThat(seen).hasSize(440);
        assertThat(seen).allMatch(n -> n >= 0 && n < 440);
        assertThat(peak.get()).isEqualTo(8);
        assertThat(r.ops()).isEqualTo(400);
        assertThat(r.errors()).isZero();
        assertThat(r.clients()).isEqualTo(8);
        assertThat(r.p50Millis()).isGreaterThanOrEqualTo(0.9);
        assertThat(r.p99Millis()).isGreaterThanOrEqualTo(r.p50Millis());
        assertThat(r.maxMillis()).isGreaterThanOrEqualTo(r.p99Millis());
        // 8 in flight, ~1 ms each: well under 8000/s and well over a serial 1000/s is not guaranteed on a busy box,
        // so only check that the figure is consistent with the wall time bound.
        assertThat(r.opsPerSecond()).isPositive();
    }

    @Test
    void countsErrorsApartFromLatencies() throws Exception {
        LoadHarness h = new LoadHarness(4, 100, 0, Duration.ofSeconds(30), System::nanoTime, log);
        BenchResult r = h.run("t", n -> n % 4 == 0
                ? CompletableFuture.failedFuture(new IllegalStateException("boom " + n))
                : later(1));
        assertThat(r.ops()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(25);
        assertThat(logBytes.toString()).contains("first error").contains("boom");
    }

    @Test
    void synchronousCompletionsDoNotRecurse() throws Exception {
        LoadHarness h = new LoadHarness(2, 1_000_000, 0, Duration.ofSeconds(30), System::nanoTime, log);
        BenchResult r = h.run("t", n -> CompletableFuture.completedFuture(n));
        assertThat(r.ops()).isEqualTo(1_000_000);
        assertThat(r.errors()).isZero();
    }

    @Test
    void operationsThatThrowAreErrors() throws Exception {
        LoadHarness h = new LoadHarness(3, 30, 3, Duration.ofSeconds(30), System::nanoTime, log);
        BenchResult r = h.run("t", n -> {
            throw new IllegalArgumentException("bad " + n);
        });
        assertThat(r.ops()).isEqualTo(30);
        assertThat(r.errors()).isEqualTo(30);
        assertThat(r.opsPerSecond()).isZero();
        assertThat(r.p99Millis()).isZero();
    }

    @Test
    void stopsStartingOperationsAtTheDeadline() throws Exception {
        LoadHarness h = new LoadHarness(2, 1_000_000, 0, Duration.ofMillis(300), System::nanoTime, log);
        long t0 = System.nanoTime();
        BenchResult r = h.run("t", n -> later(5));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.ops()).isBetween(2L, 200L);
        assertThat(logBytes.toString()).contains("deadline");
    }

    @Test
    void warmupIsNotMeasured() throws Exception {
        AtomicInteger slow = new AtomicInteger();
        LoadHarness h = new LoadHarness(1, 20, 5, Duration.ofSeconds(30), System::nanoTime, log);
        // the warm-up ops (0..4) take 200 ms; the measured ones 1 ms
        BenchResult r = h.run("t", n -> n < 5 ? later(200).whenComplete((v, e) -> slow.incrementAndGet()) : later(1));
        assertThat(slow.get()).isEqualTo(5);
        assertThat(r.ops()).isEqualTo(20);
        assertThat(r.maxMillis()).as("a warm-up op takes 200 ms or more").isLessThan(200);
    }

    @Test
    void defaultWarmupIsATenthButAtLeastOnePerClient() {
        assertThat(LoadHarness.defaultWarmup(64, 20000)).isEqualTo(2000);
        assertThat(LoadHarness.defaultWarmup(1000, 2000)).isEqualTo(1000);
    }
}
