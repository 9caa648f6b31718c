package dev.qnf.consensus.raft;

import dev.qnf.consensus.batch.CommandBatcher;

import java.time.Duration;

/**
 * Knobs that operators rarely touch and tests need to turn: log segment size and purge gap (a test that wants the
 * log purged writes kilobytes, not megabytes), client timeouts, group-commit limits and watch backlog.
 *
 * @param segmentSizeBytes  a Raft log segment rolls at this size; only whole closed segments are purged
 * @param purgeGap          the log is purged only when it can drop at least this many entries
 * @param rpcTimeout        one client attempt
 * @param writeDeadline     all attempts of a write or read together, before the caller sees UNAVAILABLE
 * @param adminDeadline     membership changes, which wait for a new server to catch up
 * @param retrySleep        pause between attempts, e.g. while a new leader is elected
 * @param watchMaxPending   events a watch may fall behind before it is resynced instead
 */
public record RaftTuning(long segmentSizeBytes, int purgeGap, Duration rpcTimeout, Duration writeDeadline,
                         Duration adminDeadline, Duration retrySleep, CommandBatcher.Limits batchLimits,
                         int watchMaxPending) {

    public static RaftTuning defaults() {
        return new RaftTuning(4L << 20, 1024, Duration.ofSeconds(3), Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofMillis(100), CommandBatcher.Limits.DEFAULT, 4096);
    }

    public RaftTuning withWriteDeadline(Duration d) {
        return new RaftTuning(segmentSizeBytes, purgeGap, rpcTimeout, d, adminDeadline, retrySleep, batchLimits,
                watchMaxPending);
    }

    public RaftTuning withSegmentSize(long bytes, int purgeGap) {
        return new RaftTuning(bytes, purgeGap, rpcTimeout, writeDeadline, adminDeadline, retrySleep, batchLimits,
                watchMaxPending);
    }
}
