package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.AddMemberRequest;
import dev.qnf.api.json.SnapshotView;
import dev.qnf.api.json.TransferLeaderRequest;
import dev.qnf.api.service.ClusterService;

import java.util.concurrent.CompletableFuture;

/** {@code /v1/cluster}: Raft membership, leadership and snapshots. Changes answer with the new status. */
public final class ClusterApi {
    private final ClusterService cluster;

    public ClusterApi(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Get("/v1/cluster")
    public HttpResponse status() {
        return RestBodies.ok(Views.cluster(cluster.status()));
    }

    @Post("/v1/cluster/members")
    public CompletableFuture<HttpResponse> add(AggregatedHttpRequest req) {
        AddMemberRequest r = RestBodies.read(req, AddMemberRequest.class);
        return cluster.addMember(r.id(), r.address()).thenApply(c -> RestBodies.ok(Views.cluster(c)));
    }

    @Delete("/v1/cluster/members/{id}")
    public CompletableFuture<HttpResponse> remove(@Param("id") String id) {
        return cluster.removeMember(id).thenApply(c -> RestBodies.ok(Views.cluster(c)));
    }

    @Post("/v1/cluster/leader")
    public CompletableFuture<HttpResponse> transfer(AggregatedHttpRequest req) {
        TransferLeaderRequest r = RestBodies.readOptional(req, TransferLeaderRequest.class,
                new TransferLeaderRequest(null));
        return cluster.transferLeader(r.id()).thenApply(c -> RestBodies.ok(Views.cluster(c)));
    }

    /** A digest of this server's applied state (no round trip): replicas at the same revision must agree. */
    @Get("/v1/debug/state-hash")
    public HttpResponse stateHash() {
        return RestBodies.ok(StateHashes.of(cluster.appliedState()));
    }

    @Post("/v1/cluster/snapshot")
    public CompletableFuture<HttpResponse> snapshot() {
        return cluster.snapshot().thenApply(index -> RestBodies.ok(new SnapshotView(index)));
    }
}
