package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.Deleted;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenList;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.service.FabricService;
import dev.qnf.fabric.model.JoinRole;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** {@code /v1/tokens}: join tokens (admin only, {@link dev.qnf.api.auth.Permission#SECURITY}). */
public final class TokensApi {
    private final FabricService fabric;
    /** The CA pin handed out with each token; null on a plaintext (test) server. */
    private final Supplier<String> caPin;

    public TokensApi(FabricService fabric, Supplier<String> caPin) {
        this.fabric = fabric;
        this.caPin = caPin;
    }

    /** 201 with the token text: the only time its secret is ever shown. */
    @Post("/v1/tokens")
    public CompletableFuture<HttpResponse> create(AggregatedHttpRequest req) {
        TokenRequest r = RestBodies.readOptional(req, TokenRequest.class, new TokenRequest(null, null, null, null));
        Duration ttl = Duration.ofSeconds(r.ttlSeconds() == null ? 3600 : r.ttlSeconds());
        int uses = r.uses() == null ? 1 : r.uses();
        return fabric.createToken(JoinRole.parse(r.role()), r.site(), ttl, uses)
                .thenApply(a -> RestBodies.written(true, new TokenCreated(a.value().text().toString(),
                        caPin == null ? null : caPin.get(), Views.token(a.value().token()), a.revision())));
    }

    @Get("/v1/tokens")
    public CompletableFuture<HttpResponse> list(@Param("stale") @Default("false") boolean stale) {
        return fabric.tokens(stale).thenApply(v -> RestBodies.ok(new TokenList(
                v.value().stream().map(Views::token).toList(), v.revision())));
    }

    @Delete("/v1/tokens/{id}")
    public CompletableFuture<HttpResponse> delete(@Param("id") String id) {
        return fabric.deleteToken(id).thenApply(a -> RestBodies.ok(new Deleted(a.revision())));
    }
}
