package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import dev.qnf.api.json.Deleted;
import dev.qnf.api.json.NodeList;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.RevokeRequest;
import dev.qnf.api.node.NodeViews;
import dev.qnf.api.service.FabricService;
import dev.qnf.api.service.NodeInput;

import java.util.concurrent.CompletableFuture;

/** {@code /v1/nodes}: agents register and renew with PUT. */
public final class NodesApi {
    private final FabricService fabric;

    public NodesApi(FabricService fabric) {
        this.fabric = fabric;
    }

    @Get("/v1/nodes")
    public CompletableFuture<HttpResponse> list(@Param("stale") @Default("false") boolean stale) {
        return fabric.nodes(stale).thenApply(v -> RestBodies.ok(new NodeList(
                v.value().stream().map(n -> Views.node(n, null)).toList(), v.revision())));
    }

    @Get("/v1/nodes/{name}")
    public CompletableFuture<HttpResponse> get(@Param("name") String name,
                                               @Param("stale") @Default("false") boolean stale) {
        return fabric.node(name, stale).thenApply(v -> RestBodies.ok(Views.node(v.value(), v.revision())));
    }

    /** 201 on first registration, 200 on renewal or update. */
    @Put("/v1/nodes/{name}")
    public CompletableFuture<HttpResponse> register(@Param("name") String name, AggregatedHttpRequest req) {
        NodeRequest r = RestBodies.readOptional(req, NodeRequest.class, new NodeRequest(null, null, null, null));
        return fabric.registerNode(new NodeInput(name, r.site(), r.addresses(), r.publicKey(), r.leaseSeconds(),
                NodeViews.toDomain(r.mesh())))
                .thenApply(a -> RestBodies.written(a.created(), Views.node(a.value(), a.revision())));
    }

    /** Revokes the node's identity cluster-wide (201 the first time, 200 after): its next request is refused. */
    @Post("/v1/nodes/{name}/revoke")
    public CompletableFuture<HttpResponse> revoke(@Param("name") String name, AggregatedHttpRequest req) {
        RevokeRequest r = RestBodies.readOptional(req, RevokeRequest.class, new RevokeRequest(null));
        return fabric.revokeNode(name, r.serial())
                .thenApply(a -> RestBodies.written(a.created(), Views.revocation(a.value(), a.revision())));
    }

    /**
     * Lifts the node's revocation (200, also when already lifted; 404 if never revoked): certificates issued from
     * now on (a new join) are accepted, the older ones stay refused.
     */
    @Delete("/v1/nodes/{name}/revoke")
    public CompletableFuture<HttpResponse> unrevoke(@Param("name") String name) {
        return fabric.unrevokeNode(name).thenApply(a -> RestBodies.ok(Views.revocation(a.value(), a.revision())));
    }

    @Delete("/v1/nodes/{name}")
    public CompletableFuture<HttpResponse> remove(@Param("name") String name) {
        return fabric.removeNode(name).thenApply(a -> RestBodies.ok(new Deleted(a.revision())));
    }
}
