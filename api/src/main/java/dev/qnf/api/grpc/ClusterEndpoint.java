package dev.qnf.api.grpc;

import dev.qnf.api.service.ClusterService;
import dev.qnf.api.v1.AddMemberRequest;
import dev.qnf.api.v1.ClusterGrpc;
import dev.qnf.api.v1.ClusterStatus;
import dev.qnf.api.v1.ClusterStatusRequest;
import dev.qnf.api.v1.RemoveMemberRequest;
import dev.qnf.api.v1.SnapshotRequest;
import dev.qnf.api.v1.SnapshotResponse;
import dev.qnf.api.v1.TransferLeaderRequest;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/** {@code qnf.v1.Cluster}. */
public final class ClusterEndpoint extends ClusterGrpc.ClusterImplBase {
    private final ClusterService cluster;

    public ClusterEndpoint(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public void status(ClusterStatusRequest r, StreamObserver<ClusterStatus> out) {
        Calls.unary(out, () -> CompletableFuture.completedFuture(cluster.status()), Protos::cluster);
    }

    @Override
    public void addMember(AddMemberRequest r, StreamObserver<ClusterStatus> out) {
        Calls.unary(out, () -> cluster.addMember(r.getId(), r.getAddress()), Protos::cluster);
    }

    @Override
    public void removeMember(RemoveMemberRequest r, StreamObserver<ClusterStatus> out) {
        Calls.unary(out, () -> cluster.removeMember(r.getId()), Protos::cluster);
    }

    @Override
    public void transferLeader(TransferLeaderRequest r, StreamObserver<ClusterStatus> out) {
        Calls.unary(out, () -> cluster.transferLeader(r.hasId() ? r.getId() : null), Protos::cluster);
    }

    @Override
    public void snapshot(SnapshotRequest r, StreamObserver<SnapshotResponse> out) {
        Calls.unary(out, cluster::snapshot, index -> SnapshotResponse.newBuilder().setIndex(index).build());
    }
}
