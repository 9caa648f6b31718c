package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.RevokeRequest;
import dev.qnf.api.service.FabricService;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/users/{name}/revoke}: people's certificates ({@code spiffe://<cluster>/user/<name>}). Users are not
 * stored (a certificate is the account), so revocation is all there is to manage here.
 */
public final class UsersApi {
    private final FabricService fabric;

    public UsersApi(FabricService fabric) {
        this.fabric = fabric;
    }

    /** Revokes the user's certificates cluster-wide (201 the first time, 200 after); 409 for the caller itself. */
    @Post("/v1/users/{name}/revoke")
    public CompletableFuture<HttpResponse> revoke(@Param("name") String name, AggregatedHttpRequest req) {
        RevokeRequest r = RestBodies.readOptional(req, RevokeRequest.class, new RevokeRequest(null));
        return fabric.revokeUser(name, r.serial())
                .thenApply(a -> RestBodies.written(a.created(), Views.userRevocation(a.value(), a.revision())));
    }

    /** Lifts the revocation (200, also when already lifted; 404 if never revoked): newer certificates are let in. */
    @Delete("/v1/users/{name}/revoke")
    public CompletableFuture<HttpResponse> unrevoke(@Param("name") String name) {
        return fabric.unrevokeUser(name).thenApply(a -> RestBodies.ok(Views.userRevocation(a.value(), a.revision())));
    }
}
