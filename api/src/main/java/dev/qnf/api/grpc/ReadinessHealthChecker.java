package dev.qnf.api.grpc;

import com.linecorp.armeria.common.util.AbstractListenable;
import com.linecorp.armeria.server.healthcheck.HealthChecker;
import com.linecorp.armeria.server.healthcheck.ListenableHealthChecker;
import dev.qnf.api.service.ClusterService;

/** gRPC health follows {@code /readyz}, computed on each check (it is cheap: a local status read). */
final class ReadinessHealthChecker extends AbstractListenable<HealthChecker> implements ListenableHealthChecker {
    private final ClusterService cluster;

    ReadinessHealthChecker(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public boolean isHealthy() {
        return cluster.readiness().ready();
    }

    @Override
    protected HealthChecker latestValue() {
        return this;
    }
}
