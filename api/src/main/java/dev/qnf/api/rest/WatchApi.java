package dev.qnf.api.rest;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.OpenCallRecheck;
import dev.qnf.api.backend.Subscription;
import dev.qnf.api.service.FabricService;

import java.util.Optional;

/**
 * {@code GET /v1/watch?from=N}: newline-delimited JSON, one line per revision, open until the client leaves, or
 * until its caller would be refused a new request (node revoked, certificate expired: checked every second,
 * {@link OpenCallRecheck}), which ends the stream with an ERROR line. The consensus watch is closed when the
 * response stream ends for any reason.
 */
public final class WatchApi {
    static final MediaType NDJSON = MediaType.parse("application/x-ndjson");

    private final FabricService fabric;
    private final AccessControl access;

    public WatchApi(FabricService fabric, AccessControl access) {
        this.fabric = fabric;
        this.access = access;
    }

    @Get("/v1/watch")
    public HttpResponse watch(ServiceRequestContext ctx, @Param("from") Optional<Long> from) {
        StreamWriter<HttpData> body = StreamMessage.streaming();
        // Subscribing first lets a bad revision still be a plain 400; early lines wait in the writer.
        WatchLines lines = new WatchLines(body);
        Subscription subscription = fabric.watch(from.orElse(null), lines);
        OpenCallRecheck recheck = OpenCallRecheck.start(ctx, access, lines::end);
        body.whenComplete().handle((ok, failure) -> {
            recheck.close();
            subscription.close();
            return null;
        });
        ctx.clearRequestTimeout();
        return HttpResponse.of(ResponseHeaders.of(HttpStatus.OK, "content-type", NDJSON.toString()), body);
    }
}
