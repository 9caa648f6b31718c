package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.AllocationList;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.Deleted;
import dev.qnf.api.json.NetworkList;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.service.AllocationInput;
import dev.qnf.api.service.FabricService;
import dev.qnf.api.service.NetworkInput;

import java.util.concurrent.CompletableFuture;

/** {@code /v1/networks} and their allocations. */
public final class NetworksApi {
    private final FabricService fabric;

    public NetworksApi(FabricService fabric) {
        this.fabric = fabric;
    }

    @Post("/v1/networks")
    public CompletableFuture<HttpResponse> create(AggregatedHttpRequest req) {
        NetworkRequest r = RestBodies.read(req, NetworkRequest.class);
        return fabric.createNetwork(new NetworkInput(r.name(), r.cidr(), r.cidr6(), r.gateway(), r.gateway6(),
                        r.mtu(), r.nat(), r.blockPrefix(), r.blockPrefix6(), r.allowOverlap(), r.labels()))
                .thenApply(a -> RestBodies.written(a.created(), Views.network(a.value(), a.revision())));
    }

    @Get("/v1/networks")
    public CompletableFuture<HttpResponse> list(@Param("stale") @Default("false") boolean stale) {
        return fabric.networks(stale).thenApply(v -> RestBodies.ok(new NetworkList(
                v.value().stream().map(n -> Views.network(n, null)).toList(), v.revision())));
    }

    @Get("/v1/networks/{name}")
    public CompletableFuture<HttpResponse> get(@Param("name") String name,
                                               @Param("stale") @Default("false") boolean stale) {
        return fabric.network(name, stale).thenApply(v -> RestBodies.ok(Views.network(v.value(), v.revision())));
    }

    @Delete("/v1/networks/{name}")
    public CompletableFuture<HttpResponse> delete(@Param("name") String name) {
        return fabric.deleteNetwork(name).thenApply(a -> RestBodies.ok(new Deleted(a.revision())));
    }

    @Post("/v1/networks/{name}/allocations")
    public CompletableFuture<HttpResponse> allocate(@Param("name") String network, AggregatedHttpRequest req) {
        AllocationRequest r = RestBodies.read(req, AllocationRequest.class);
        return fabric.allocate(new AllocationInput(network, r.endpoint(), r.node(), r.ip(), r.containerId(),
                        r.ifName(), r.mac(), r.labels()))
                .thenApply(a -> RestBodies.written(a.created(), Views.allocation(a.value(), a.revision())));
    }

    @Get("/v1/networks/{name}/allocations")
    public CompletableFuture<HttpResponse> allocations(@Param("name") String network,
                                                       @Param("stale") @Default("false") boolean stale) {
        return fabric.allocations(network, stale).thenApply(v -> RestBodies.ok(new AllocationList(
                v.value().stream().map(e -> Views.allocation(e, null)).toList(), v.revision())));
    }

    /** Idempotent: 200 whether or not the endpoint held an address. */
    @Delete("/v1/networks/{name}/allocations/{endpoint}")
    public CompletableFuture<HttpResponse> release(@Param("name") String network,
                                                   @Param("endpoint") String endpoint) {
        return fabric.release(network, endpoint).thenApply(a -> RestBodies.ok(new Deleted(a.revision())));
    }
}
