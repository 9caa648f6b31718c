package dev.qnf.consensus.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Detects a data directory that went back in time. Each member remembers the highest commit index every other
 * member reported (Ratis's commit infos); a member's commit index never exceeds what its Raft log holds durably
 * (Ratis caps it at the flushed index), so after an honest restart, crash or not, no peer can know of a commit
 * beyond the restarted member's log. If one does, the log was replaced by an older copy.
 *
 * <p>Best effort by design: peers that do not answer within the timeout (down, partitioned, restarting too) are
 * skipped, and peers that restarted since have forgotten. Both cases are harmless: a leader that does not remember
 * the member's old position catches it up from where its log really ends.
 */
public final class RollbackGuard {
    private RollbackGuard() {
    }

    /**
     * The highest commit index any other member of {@code group} knows {@code self} reached, or -1 if none
     * answered (or none knows). Asks all of them at once and waits at most about {@code timeout}.
     */
    public static long highestKnownCommit(RaftGroup group, RaftPeerId self, Duration timeout, ExecutorService executor,
                                          org.apache.ratis.conf.Parameters tls) {
        List<RaftPeer> others = group.getPeers().stream().filter(p -> !p.getId().equals(self)).toList();
        if (others.isEmpty()) {
            return -1;
        }
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(timeout.toMillis(), TimeUnit.MILLISECONDS));
        try (RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setProperties(p).setParameters(tls)
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
            List<CompletableFuture<Long>> answers = new ArrayList<>();
            for (RaftPeer peer : others) {
                answers.add(CompletableFuture.supplyAsync(() -> knownBy(client, group, peer.getId(), self), executor)
                        .completeOnTimeout(-1L, timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                        .exceptionally(e -> -1L));
            }
            return answers.stream().mapToLong(CompletableFuture::join).max().orElse(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static long knownBy(RaftClient client, RaftGroup group, RaftPeerId peer, RaftPeerId self) {
        try {
            GroupInfoReply reply = client.getGroupManagementApi(peer).info(group.getGroupId());
            long known = -1;
            for (CommitInfoProto info : reply.getCommitInfos()) {
                if (RaftPeerId.valueOf(info.getServer().getId()).equals(self)) {
                    known = Math.max(known, info.getCommitIndex());
                }
            }
            return known;
        } catch (java.io.IOException | RuntimeException unreachable) {
            return -1;
        }
    }
}
