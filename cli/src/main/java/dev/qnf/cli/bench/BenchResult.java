package dev.qnf.cli.bench;

/**
 * The figures of one measured run (warm-up excluded).
 *
 * @param target       what was measured, e.g. {@code qnf-alloc} or {@code etcd-put}
 * @param clients      concurrent closed-loop clients, i.e. requests in flight
 * @param ops          measured operations that completed, successfully or not
 * @param errors       of those, how many failed; failed operations are not in the latency figures
 * @param opsPerSecond successful operations per second of wall time
 * @param p50Millis    median latency of the successful operations
 * @param p99Millis    99th percentile latency of the successful operations
 * @param maxMillis    largest latency of the successful operations
 */
public record BenchResult(
        String target,
        int clients,
        long ops,
        long errors,
        double opsPerSecond,
        double p50Millis,
        double p99Millis,
        double maxMillis) {}
