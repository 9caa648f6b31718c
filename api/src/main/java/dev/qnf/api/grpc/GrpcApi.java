package dev.qnf.api.grpc;

import com.linecorp.armeria.server.HttpServiceWithRoutes;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcHealthCheckService;
import com.linecorp.armeria.server.healthcheck.ListenableHealthChecker;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.GrpcAuthInterceptor;
import dev.qnf.api.service.ClusterService;
import dev.qnf.api.service.FabricService;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.ProtoReflectionService;


/**
 * Assembles the gRPC service: the six qnf.v1 services behind the auth interceptor, reflection (for grpcurl) and
 * the standard health service, which reports SERVING while this server is ready.
 */
public final class GrpcApi {
    private GrpcApi() {
    }

    @SuppressWarnings("deprecation") // v1alpha reflection is what most grpcurl builds speak
    public static HttpServiceWithRoutes service(FabricService fabric, ClusterService cluster, AccessControl access,
                                                int maxMessageBytes) {
        GrpcAuthInterceptor auth = new GrpcAuthInterceptor(access);
        ListenableHealthChecker ready = new ReadinessHealthChecker(cluster);
        return GrpcService.builder()
                .addService(ServerInterceptors.intercept(new NetworksEndpoint(fabric), auth))
                .addService(ServerInterceptors.intercept(new IpamEndpoint(fabric), auth))
                .addService(ServerInterceptors.intercept(new NodesEndpoint(fabric), auth))
                .addService(ServerInterceptors.intercept(new ClusterEndpoint(cluster), auth))
                .addService(ServerInterceptors.intercept(new PoliciesEndpoint(fabric), auth))
                .addService(ServerInterceptors.intercept(new WatchEndpoint(fabric, access), auth))
                .addService(ProtoReflectionService.newInstance())
                .addService(GrpcHealthCheckService.builder().checkers(ready).build())
                .exceptionHandler(new GrpcErrors())
                .maxRequestMessageLength(maxMessageBytes)
                .enableUnframedRequests(false)
                .build();
    }
}
