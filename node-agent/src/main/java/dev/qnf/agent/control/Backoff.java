package dev.qnf.agent.control;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: each failure doubles the delay up to {@code max}; the delay handed out is
 * between half and all of it, so agents that lost the control plane together do not come back in step.
 */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final Random random;
    private long current;

    public Backoff(Duration min, Duration max) {
        this(min, max, null);
    }

    /** With a seeded random, for tests; null uses the thread-local one. */
    Backoff(Duration min, Duration max, Random random) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.random = random;
        this.current = minMillis;
    }

    /** The delay before the next attempt; grows with every call until {@link #reset}. */
    public synchronized Duration next() {
        long base = current;
        current = Math.min(maxMillis, current * 2);
        long half = base / 2;
        long jitter = half == 0 ? 0 : (random == null ? ThreadLocalRandom.current() : random).nextLong(half + 1);
        return Duration.ofMillis(half + jitter);
    }

    public synchronized void reset() {
        current = minMillis;
    }
}
