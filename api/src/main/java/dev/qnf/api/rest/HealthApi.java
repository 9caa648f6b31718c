package dev.qnf.api.rest;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Get;
import dev.qnf.api.json.Readiness;
import dev.qnf.api.service.ClusterService;
import dev.qnf.api.service.ReadyCheck;

import java.util.Map;

/** {@code /healthz}: the process is up. {@code /readyz}: it has a leader and is caught up. */
public final class HealthApi {
    private final ClusterService cluster;

    public HealthApi(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Get("/healthz")
    public HttpResponse healthz() {
        return RestBodies.ok(Map.of("status", "ok"));
    }

    @Get("/readyz")
    public HttpResponse readyz() {
        ReadyCheck r = cluster.readiness();
        return RestBodies.json(r.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                new Readiness(r.ready(), r.reason(), r.leader(), r.commitIndex(), r.appliedIndex()));
    }
}
