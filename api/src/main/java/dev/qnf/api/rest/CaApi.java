package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.CaView;
import dev.qnf.api.json.RetireRequest;
import dev.qnf.api.pki.CaPin;
import dev.qnf.api.service.CaRotations;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/ca}: the cluster CA's status (every role that reads), its rotation and the old CA's retirement (admin,
 * {@link dev.qnf.api.auth.Permission#SECURITY}). See docs/security.md, "Renewal and rotation".
 */
public final class CaApi {
    private final CaRotations rotations;

    public CaApi(CaRotations rotations) {
        this.rotations = rotations;
    }

    @Get("/v1/ca")
    public CompletableFuture<HttpResponse> status(@Param("stale") @Default("false") boolean stale) {
        return rotations.status(stale).thenApply(v -> RestBodies.ok(view(v.value())));
    }

    /** 201 with the new status; 409 if a rotation is in progress or this server holds no CA key. */
    @Post("/v1/ca/rotate")
    public CompletableFuture<HttpResponse> rotate() {
        return rotations.rotate().thenApply(a -> RestBodies.written(true, view(a.value())));
    }

    /** 200 (also when retired already); 409 before the overlap has passed without force, or without a rotation. */
    @Post("/v1/ca/retire-old")
    public CompletableFuture<HttpResponse> retireOld(AggregatedHttpRequest req) {
        RetireRequest r = RestBodies.readOptional(req, RetireRequest.class, new RetireRequest(null));
        return rotations.retireOld(Boolean.TRUE.equals(r.force())).thenApply(a -> RestBodies.ok(view(a.value())));
    }

    static CaView view(CaRotations.Status s) {
        return new CaView(s.bundle().stream().map(c -> new CaView.CaCertView(CaPin.of(c),
                c.getSubjectX500Principal().getName(), c.getNotAfter().toInstant().toString())).toList(),
                CaPin.of(s.signer()),
                s.rotation().map(r -> Instant.ofEpochMilli(r.rotatedAtMillis()).toString()).orElse(null),
                s.rotation().filter(r -> r.retired()).map(r -> Instant.ofEpochMilli(r.retiredAtMillis()).toString())
                        .orElse(null),
                s.rotation().filter(r -> !r.retired()).map(r -> Instant.ofEpochMilli(r.retirableAtMillis()).toString())
                        .orElse(null),
                s.revision());
    }
}
