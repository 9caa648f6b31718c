package dev.qnf.api.service;

import dev.qnf.api.backend.ClusterState;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.RemoveMember;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.state.FabricImage;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Raft membership, leadership, snapshots, and this server's readiness. */
public final class ClusterService {
    private final FabricBackend backend;
    private final Duration timeout;
    private final long maxApplyLag;

    /** {@code maxApplyLag}: how far applied may trail commit for this server to count as ready. */
    public ClusterService(FabricBackend backend, Duration timeout, long maxApplyLag) {
        this.backend = backend;
        this.timeout = timeout;
        this.maxApplyLag = maxApplyLag;
    }

    /** Served from this server's view: status must work precisely when the cluster does not. */
    public ClusterInfo status() {
        ClusterState state = backend.status();
        Map<String, String> apis = backend.localImage().members().stream()
                .collect(Collectors.toMap(Member::id, Member::apiAddress, (a, b) -> b));
        return new ClusterInfo(state.leaderId(), state.term(), state.commitIndex(), state.appliedIndex(),
                state.members().stream()
                        .map(p -> new ClusterInfo.MemberInfo(p.id(), p.raftAddress(), apis.get(p.id()), p.role()))
                        .toList());
    }

    /** This server's applied state, without a round trip (for {@code /v1/debug/state-hash}). */
    public FabricImage appliedState() {
        return backend.localImage();
    }

    /** Adds a server to the Raft group. Repeating an addition already made is a no-op. */
    public CompletableFuture<ClusterInfo> addMember(String id, String address) {
        Names.node(id);
        String raftAddress = hostPort(address);
        ClusterState state = backend.status();
        for (ClusterState.Peer p : state.members()) {
            if (p.id().equals(id)) {
                if (p.raftAddress().equals(raftAddress)) {
                    return CompletableFuture.completedFuture(status());
                }
                throw new ApiException(ApiCode.ALREADY_EXISTS, "member " + id + " already exists at " + p.raftAddress());
            }
        }
        return then(() -> backend.addServer(id, raftAddress));
    }

    /** Removes a server from the Raft group, then forgets its announced API URL. */
    public CompletableFuture<ClusterInfo> removeMember(String id) {
        Names.node(id);
        requireMember(id);
        return then(() -> backend.removeServer(id)
                .thenCompose(v -> backend.submit(new RemoveMember(id)))
                .thenApply(committed -> null));
    }

    public CompletableFuture<ClusterInfo> transferLeader(String id) {
        String target = id == null || id.isEmpty() ? null : Names.node(id);
        if (target != null) {
            requireMember(target);
        }
        return then(() -> backend.transferLeadership(target));
    }

    public CompletableFuture<Long> snapshot() {
        return Backends.guard(backend::takeSnapshot, timeout);
    }

    /** Ready when the group has a leader and this server has applied within {@code maxApplyLag} of commit. */
    public ReadyCheck readiness() {
        ClusterState s = backend.status();
        String reason = null;
        if (s.leaderId() == null) {
            reason = "the Raft group has no leader";
        } else if (s.commitIndex() - s.appliedIndex() > maxApplyLag) {
            reason = "applied index " + s.appliedIndex() + " trails commit index " + s.commitIndex()
                    + " by more than " + maxApplyLag;
        }
        return new ReadyCheck(reason == null, reason, s.leaderId(), s.commitIndex(), s.appliedIndex());
    }

    private void requireMember(String id) {
        if (!backend.status().hasMember(id)) {
            throw ApiException.notFound("member " + id + " is not in the Raft group");
        }
    }

    private <T> CompletableFuture<ClusterInfo> then(Supplier<CompletableFuture<T>> change) {
        return Backends.guard(change, timeout).thenApply(ignored -> status());
    }

    /** A Raft address: host:port with an explicit port, no scheme. */
    static String hostPort(String address) {
        if (address == null || address.isBlank()) {
            throw new InvalidInputException("address is required (host:port)");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1 || address.contains("/") || address.contains(" ")) {
            throw new InvalidInputException("address '" + address + "' is not host:port");
        }
        String port = address.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) == 0
                || Integer.parseInt(port) > 65535) {
            throw new InvalidInputException("address '" + address + "' has a bad port");
        }
        // checked here, not by Raft: a host it cannot resolve as a name (e.g. an unbracketed IPv6) was a 503
        String host = address.substring(0, colon);
        if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}]")) {
            throw new InvalidInputException("address '" + address + "': the host is not a DNS name or IP address"
                    + " (write IPv6 as [addr]:port)");
        }
        return address;
    }
}
