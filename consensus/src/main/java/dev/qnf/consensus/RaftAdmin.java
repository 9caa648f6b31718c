package dev.qnf.consensus;

import dev.qnf.consensus.raft.RatisTransport;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Membership, leadership and snapshots through Ratis's admin API, and this server's view of the group. The admin
 * calls block (they wait for a new server to catch up, or for an election), so they run on their own executor.
 */
final class RaftAdmin {
    private static final long TRANSFER_TIMEOUT_MS = 10_000;
    private static final long SNAPSHOT_TIMEOUT_MS = 60_000;

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final RaftClient admin;
    private final Executor executor;

    RaftAdmin(RaftServer server, RaftGroupId groupId, RaftPeerId self, RaftClient admin, Executor executor) {
        this.server = server;
        this.groupId = groupId;
        this.self = self;
        this.admin = admin;
        this.executor = executor;
    }

    static RaftPeer peer(String id, String address) {
        return RaftPeer.newBuilder().setId(id).setAddress(address).build();
    }

    ClusterStatus status() {
        RaftServer.Division division = division();
        DivisionInfo info = division.getInfo();
        RaftPeerId leader = info.getLeaderId();
        RaftConfiguration conf = division.getRaftConf();
        List<ClusterStatus.Member> members = new ArrayList<>();
        for (RaftPeer p : conf.getCurrentPeers(RaftPeerRole.FOLLOWER)) {
            members.add(new ClusterStatus.Member(p.getId().toString(), p.getAddress(), roleOf(p.getId(), leader, info)));
        }
        for (RaftPeer p : conf.getCurrentPeers(RaftPeerRole.LISTENER)) {
            members.add(new ClusterStatus.Member(p.getId().toString(), p.getAddress(), ClusterStatus.Role.LISTENER));
        }
        return new ClusterStatus(leader == null ? null : leader.toString(), info.getCurrentTerm(),
                division.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(), members);
    }

    /** Exact for this server and the leader; other servers are presumed followers while a leader is known. */
    private ClusterStatus.Role roleOf(RaftPeerId peer, RaftPeerId leader, DivisionInfo info) {
        if (peer.equals(self)) {
            return switch (info.getCurrentRole()) {
                case LEADER -> ClusterStatus.Role.LEADER;
                case FOLLOWER -> ClusterStatus.Role.FOLLOWER;
                case CANDIDATE -> ClusterStatus.Role.CANDIDATE;
                case LISTENER -> ClusterStatus.Role.LISTENER;
                default -> ClusterStatus.Role.UNKNOWN;
            };
        }
        if (peer.equals(leader)) {
            return ClusterStatus.Role.LEADER;
        }
        return leader == null ? ClusterStatus.Role.UNKNOWN : ClusterStatus.Role.FOLLOWER;
    }

    CompletableFuture<Void> addServer(String id, String raftAddress) {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of(peer(id, raftAddress)))
                .setMode(SetConfigurationRequest.Mode.ADD)
                .build();
        return call(() -> admin.admin().setConfiguration(args)).thenApply(reply -> null);
    }

    /** Compare-and-set against this server's view, so that a stale view fails instead of undoing another change. */
    CompletableFuture<Void> removeServer(String id) {
        RaftPeerId target = RaftPeerId.valueOf(id);
        Collection<RaftPeer> current = division().getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER);
        List<RaftPeer> remaining = current.stream().filter(p -> !p.getId().equals(target)).toList();
        if (remaining.size() == current.size()) {
            return CompletableFuture.completedFuture(null);
        }
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(remaining)
                .setServersInCurrentConf(List.copyOf(current))
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build();
        return call(() -> admin.admin().setConfiguration(args)).thenApply(reply -> null);
    }

    /** With a null target the leader steps down and any server may win the election. */
    CompletableFuture<Void> transferLeadership(String id) {
        RaftPeerId target = id == null ? null : RaftPeerId.valueOf(id);
        return call(() -> admin.admin().transferLeadership(target, TRANSFER_TIMEOUT_MS)).thenApply(reply -> null);
    }

    /** Snapshots this server, whatever its role; the reply carries the snapshot's log index. */
    CompletableFuture<Long> takeSnapshot() {
        return call(() -> admin.getSnapshotManagementApi(self).create(true, SNAPSHOT_TIMEOUT_MS))
                .thenApply(RaftClientReply::getLogIndex);
    }

    private interface Call {
        RaftClientReply run() throws IOException;
    }

    private CompletableFuture<RaftClientReply> call(Call call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                RaftClientReply reply = call.run();
                if (!reply.isSuccess()) {
                    throw RatisTransport.unavailable(reply.getException());
                }
                return reply;
            } catch (IOException e) {
                throw new CompletionException(RatisTransport.unavailable(e));
            }
        }, executor);
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(groupId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
