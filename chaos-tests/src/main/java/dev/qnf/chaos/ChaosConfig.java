package dev.qnf.chaos;

import dev.qnf.chaos.faults.Schedule;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One chaos run: the schedule (which fixes the cluster size), the seed of every random choice, where servers keep
 * their data and logs, whether servers get network namespaces, how many clients, and how long at most
 * ({@code duration} null: until the schedule ends), and whether a node agent runs CNI traffic under the faults
 * (needs namespaces).
 */
public record ChaosConfig(Schedule schedule, long seed, Path dir, boolean namespaces, int workers, Duration duration,
                          Duration writableBound, boolean agent) {
    public static final int DEFAULT_WORKERS = 5;
    /** After a heal, a write must succeed within this (JVM restarts on a loaded 2-core machine included). */
    public static final Duration DEFAULT_WRITABLE_BOUND = Duration.ofSeconds(60);

    public static ChaosConfig of(Schedule schedule, long seed, Path dir, boolean namespaces) {
        return new ChaosConfig(schedule, seed, dir, namespaces, DEFAULT_WORKERS, null, DEFAULT_WRITABLE_BOUND, false);
    }

    public ChaosConfig withDuration(Duration d) {
        return new ChaosConfig(schedule, seed, dir, namespaces, workers, d, writableBound, agent);
    }

    public ChaosConfig withAgent(boolean on) {
        return new ChaosConfig(schedule, seed, dir, namespaces, workers, duration, writableBound, on && namespaces);
    }
}
