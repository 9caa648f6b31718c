package dev.qnf.consensus.raft;

import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Every Ratis setting QNF relies on, in one place, with the reason for each that differs from the default. */
public final class RatisProperties {
    private static final Duration ADMIN_ATTEMPT = Duration.ofSeconds(20);
    private RatisProperties() {
    }

    /** What a server needs to know about itself. */
    public record ServerSettings(Path raftDir, String host, int port, Duration electionTimeoutMin,
                                 Duration electionTimeoutMax, long snapshotThreshold) {
    }

    public static RaftProperties server(ServerSettings s, RaftTuning tuning) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(s.raftDir().toFile()));
        // Ratis defaults this to a shared directory under /tmp.
        RaftServerConfigKeys.setRemovedGroupsDir(p, new File(s.raftDir().toFile(), "removed-groups"));
        GrpcConfigKeys.Server.setHost(p, s.host());
        GrpcConfigKeys.Server.setPort(p, s.port());

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, time(s.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, time(s.electionTimeoutMax()));
        // A leader steps down after a JVM pause longer than this; reads use ReadIndex, not leases, so a pause is
        // only dangerous once followers may have elected someone else, i.e. after an election timeout.
        RaftServerConfigKeys.setSleepDeviationThreshold(p, time(s.electionTimeoutMin()));

        // A leader that stepped down for lack of heartbeats (paused, cut off) does not stand for election for this
        // long. Ratis waits 10 s; when that ex-leader holds the longest log the others cannot win either, and the
        // group stays leaderless that long (found by the chaos suite: a paused leader, then the new leader cut
        // off). One election timeout still keeps a deposed leader from disrupting at once.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, time(s.electionTimeoutMin()));

        // Followers serve linearizable reads: they get a read index from the leader and wait to apply it.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
        // The store itself is durable and apply skips replayed entries, so a snapshot at shutdown buys nothing.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        // A lagging follower is caught up from a checkpoint, so the log need not be kept for it.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, tuning.purgeGap());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(tuning.segmentSizeBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p,
                SizeInBytes.valueOf(Math.min(tuning.segmentSizeBytes(), 4L << 20)));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        return p;
    }

    /** Data client: every call ends within about {@code writeDeadline} plus one attempt. */
    public static RaftProperties client(RaftTuning tuning) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, time(tuning.rpcTimeout()));
        return p;
    }

    public static RetryPolicy clientRetry(RaftTuning tuning) {
        return boundedRetry(tuning.writeDeadline(), tuning.retrySleep());
    }

    /** Admin client: a membership change waits for the new server to catch up, which can take a while. */
    public static RaftProperties admin(RaftTuning tuning) {
        RaftProperties p = new RaftProperties();
        Duration attempt = tuning.adminDeadline().compareTo(ADMIN_ATTEMPT) < 0 ? tuning.adminDeadline() : ADMIN_ATTEMPT;
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, time(attempt));
        return p;
    }

    public static RetryPolicy adminRetry(RaftTuning tuning) {
        return boundedRetry(tuning.adminDeadline(), tuning.retrySleep());
    }

    /**
     * Retries with a fixed pause (leader changes, a follower not yet knowing the leader) until a deadline per
     * call. The attempt cap only backs the deadline up; Ratis's default would retry forever.
     */
    private static RetryPolicy boundedRetry(Duration deadline, Duration sleep) {
        int attempts = (int) Math.max(1, Math.min(1000, deadline.toMillis() / Math.max(1, sleep.toMillis())));
        RetryPolicy each = RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, time(sleep));
        RequestTypeDependentRetryPolicy.Builder b = RequestTypeDependentRetryPolicy.newBuilder();
        for (TypeCase type : List.of(TypeCase.WRITE, TypeCase.READ, TypeCase.STALEREAD, TypeCase.WATCH,
                TypeCase.FORWARD)) {
            b.setRetryPolicy(type, each).setTimeout(type, time(deadline));
        }
        return b.build();
    }

    private static TimeDuration time(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
