package dev.qnf.api.rest;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.json.AuditList;
import dev.qnf.api.service.FabricService;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code GET /v1/audit?since=REV|TIME&who=ID}: the audit trail of accepted writes. */
public final class AuditApi {
    private final FabricService fabric;

    public AuditApi(FabricService fabric) {
        this.fabric = fabric;
    }

    /** {@code since} is a revision (digits) or an ISO-8601 instant; {@code who} a SPIFFE ID or its last segment. */
    @Get("/v1/audit")
    public CompletableFuture<HttpResponse> audit(@Param("since") Optional<String> since,
                                                 @Param("who") Optional<String> who) {
        Long revision = null;
        Long millis = null;
        if (since.isPresent() && !since.get().isBlank()) {
            String s = since.get().trim();
            if (s.chars().allMatch(Character::isDigit)) {
                try {
                    revision = Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw ApiException.invalid("since " + s + " is not a revision");
                }
            } else {
                try {
                    millis = Instant.parse(s).toEpochMilli();
                } catch (DateTimeParseException | ArithmeticException e) {
                    // ArithmeticException: a valid instant beyond what epoch milliseconds hold (year ±292 million)
                    throw ApiException.invalid("since must be a revision or an ISO-8601 time such as "
                            + "2026-01-01T00:00:00Z, not '" + s + "'");
                }
            }
        }
        return fabric.audit(revision, millis, who.filter(w -> !w.isBlank()).orElse(null))
                .thenApply(v -> RestBodies.ok(new AuditList(v.value().stream().map(Views::audit).toList(),
                        v.revision())));
    }
}
