package dev.qnf.api.rest;

import com.linecorp.armeria.server.ServerBuilder;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.NodeRestriction;
import dev.qnf.api.auth.RestAuthDecorator;
import dev.qnf.api.service.CaRotations;
import dev.qnf.api.service.CertificateRenewal;
import dev.qnf.api.service.ClusterService;
import dev.qnf.api.service.FabricService;
import dev.qnf.fabric.model.Endpoint;

import java.time.Clock;
import java.util.Optional;

/** Mounts the REST resources: the {@code /v1} API behind the auth decorator, health endpoints open. */
public final class RestApi {
    private RestApi() {
    }

    public static void install(ServerBuilder sb, FabricService fabric, ClusterService cluster, AccessControl access) {
        install(sb, fabric, cluster, access, null);
    }

    /** {@code caPin} is the cluster CA's pin handed out with join tokens (null without TLS). */
    public static void install(ServerBuilder sb, FabricService fabric, ClusterService cluster, AccessControl access,
                               java.util.function.Supplier<String> caPin) {
        install(sb, fabric, cluster, access, caPin, new CertificateRenewal(fabric, null, null, Clock.systemUTC()));
    }

    /** {@code renewal} renews callers' certificates ({@code POST /v1/certificates/renew}). */
    public static void install(ServerBuilder sb, FabricService fabric, ClusterService cluster, AccessControl access,
                               java.util.function.Supplier<String> caPin, CertificateRenewal renewal) {
        install(sb, fabric, cluster, access, caPin, renewal, new CaRotations(fabric, null, null,
                java.util.List::of, Clock.systemUTC()));
    }

    /** {@code rotations} answers {@code /v1/ca} (status, rotation, retirement of the old CA). */
    public static void install(ServerBuilder sb, FabricService fabric, ClusterService cluster, AccessControl access,
                               java.util.function.Supplier<String> caPin, CertificateRenewal renewal,
                               CaRotations rotations) {
        RestErrors errors = new RestErrors();
        RestAuthDecorator auth = new RestAuthDecorator(access);
        NodeRestriction nodes = new NodeRestriction((network, endpoint) -> fabric.allocations(network, true)
                .handle((list, e) -> e != null ? Optional.<String>empty() : list.value().stream()
                        .filter(a -> a.id().equals(endpoint)).map(Endpoint::node).findFirst()));
        for (Object resource : new Object[]{new NetworksApi(fabric), new NodesApi(fabric), new ClusterApi(cluster),
                new WatchApi(fabric, access), new PoliciesApi(fabric), new TokensApi(fabric, caPin), new AuditApi(fabric),
                new UsersApi(fabric),
                new CertificatesApi(renewal), new CaApi(rotations)}) {
            // authentication and role first (outer), then the node restriction, which needs the caller
            sb.annotatedService().exceptionHandlers(errors)
                    .decorator(service -> service.decorate(nodes).decorate(auth)).build(resource);
        }
        sb.annotatedService().exceptionHandlers(errors).build(new HealthApi(cluster));
    }
}
