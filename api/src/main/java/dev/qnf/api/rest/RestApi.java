package dev.qnf.api.rest;

import com.linecorp.armeria.server.ServerBuilder;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.RestAuthDecorator;
import dev.qnf.api.service.ClusterService;
import dev.qnf.api.service.FabricService;

/** Mounts the REST resources: the {@code /v1} API behind the auth decorator, health endpoints open. */
public final class RestApi {
    private RestApi() {
    }

    public static void install(ServerBuilder sb, FabricService fabric, ClusterService cluster, AccessControl access) {
        RestErrors errors = new RestErrors();
        RestAuthDecorator auth = new RestAuthDecorator(access);
        for (Object resource : new Object[]{new NetworksApi(fabric), new NodesApi(fabric), new ClusterApi(cluster),
                new WatchApi(fabric), new PoliciesApi(fabric)}) {
            sb.annotatedService().exceptionHandlers(errors).decorator(auth).build(resource);
        }
        sb.annotatedService().exceptionHandlers(errors).build(new HealthApi(cluster));
    }
}
