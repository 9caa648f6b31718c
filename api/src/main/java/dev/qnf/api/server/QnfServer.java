package dev.qnf.api.server;

import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.Authorizer;
import dev.qnf.api.auth.Caller;
import dev.qnf.api.auth.CertificateAccess;
import dev.qnf.api.auth.RevokedCertificates;
import dev.qnf.api.pki.CaPin;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.backend.ReplicaBackend;
import dev.qnf.api.grpc.GrpcApi;
import dev.qnf.api.metrics.FabricMetrics;
import dev.qnf.api.metrics.MetricsService;
import dev.qnf.api.rest.JoinApi;
import dev.qnf.api.rest.RestApi;
import dev.qnf.api.service.CaRotations;
import dev.qnf.api.service.CertificateRenewal;
import dev.qnf.api.service.JoinExchange;
import dev.qnf.api.rest.RestErrors;
import dev.qnf.api.service.ClusterService;
import dev.qnf.api.service.FabricService;
import dev.qnf.fabric.model.Member;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One QNF control-plane server: the replicated fabric, then gRPC and REST on one port, then the announcement of
 * this server's API URL. This class is the only place that wires the server together.
 */
public final class QnfServer implements AutoCloseable {
    /** Largest request body (REST) or message (gRPC) accepted. */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    /** Open connections accepted at once; more are closed on accept. */
    public static final int MAX_CONNECTIONS = 4096;

    private final ServerConfig config;
    private final FabricBackend backend;
    private final Server http;
    /** The join port's server, null without one. */
    private final Server joinHttp;
    private final MemberAnnouncer announcer;
    /** Null when the config turns pruning off. */
    private final ExpiredTokenPruner pruner;
    /** Null without TLS. */
    private final CaFollower caFollower;
    private final PrometheusMeterRegistry metrics;

    private QnfServer(ServerConfig config, FabricBackend backend, Server http, Server joinHttp,
                      MemberAnnouncer announcer, ExpiredTokenPruner pruner, CaFollower caFollower,
                      PrometheusMeterRegistry metrics) {
        this.pruner = pruner;
        this.caFollower = caFollower;
        this.joinHttp = joinHttp;
        this.config = config;
        this.backend = backend;
        this.http = http;
        this.announcer = announcer;
        this.metrics = metrics;
    }

    /**
     * Starts a server: its Raft replica (Ratis + RocksDB under {@code config.dataDir()}), then gRPC and REST on
     * {@code config.apiAddress()}. Returns once both run; the replica may still be electing a leader.
     */
    public static QnfServer start(ServerConfig config) throws IOException {
        return start(config, (c, metrics) -> ReplicaBackend.start(c.id(), c.dataDir(), c.raftAddress(), c.peers(),
                c.requestTimeout(), metrics, c.tls() == null ? null : ReloadingIdentity.of(c.tls())));
    }

    /**
     * Starts a server on the given fabric backend (tests use an in-memory one). With TLS in the config, callers are
     * the SPIFFE IDs of their client certificates, authorized by role ({@link Authorizer}); without, everyone is
     * allowed everything (plaintext in-process tests only).
     */
    public static QnfServer start(ServerConfig config, BackendFactory backends) throws IOException {
        return start(config, backends, null);
    }

    /**
     * Starts a server whose every API call first passes {@code access} (authentication, then authorization); null:
     * as the config says (certificates and roles, with revocations from the replicated state, under TLS).
     */
    public static QnfServer start(ServerConfig config, BackendFactory backends, AccessControl access)
            throws IOException {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FabricBackend backend = backends.start(config, metrics);
        if (access == null) {
            access = config.tls() != null ? new CertificateAccess(new Authorizer(),
                    id -> RevokedCertificates.of(backend.localImage(), id)) : AccessControl.allowAll();
        }
        try {
            FabricService fabric = new FabricService(backend, Clock.systemUTC(), config.requestTimeout(),
                    () -> Caller.current().principal());
            ClusterService cluster = new ClusterService(backend, config.requestTimeout(), config.maxApplyLag());
            FabricMetrics.bind(metrics, backend);

            Server http = api(config, metrics, fabric, cluster, access);
            http.start().join();
            Server joinHttp = null;
            if (config.joinPort() != null) {
                joinHttp = joinPort(config, fabric);
                try {
                    joinHttp.start().join();
                } catch (RuntimeException e) {
                    http.stop().join();
                    throw e;
                }
            }

            MemberAnnouncer announcer = MemberAnnouncer.start(backend,
                    new Member(config.id(), config.apiUrl(), config.raftAddress()));
            ExpiredTokenPruner pruner = !config.pruneTokens() ? null : ExpiredTokenPruner.start(backend,
                    config.id(), config.tls() == null ? "server/" + config.id()
                            : ReloadingIdentity.of(config.tls()).get().spiffeId().toString(), Clock.systemUTC());
            // CA rotations recorded in the state: installed into this server's CA directory and identity
            CaFollower caFollower = config.tls() == null ? null : CaFollower.start(backend, config.tls(),
                    config.issuingCa() == null ? null : config.issuingCa().caDir(),
                    config.issuingCa() == null ? null : config.issuingCa().passphrase(), config.id(),
                    Clock.systemUTC());
            return new QnfServer(config, backend, http, joinHttp, announcer, pruner, caFollower, metrics);
        } catch (RuntimeException e) {
            backend.close();
            metrics.close();
            throw e;
        }
    }

    /** gRPC, REST, health, metrics and docs on the one API port. */
    private static Server api(ServerConfig config, PrometheusMeterRegistry metrics, FabricService fabric,
                              ClusterService cluster, AccessControl access) {
        HostPort address = config.apiHostPort();
        ServerBuilder sb = Server.builder();
        InetSocketAddress bind = new InetSocketAddress(address.host(), address.port());
        ReloadingIdentity identity = config.tls() == null ? null : ReloadingIdentity.of(config.tls());
        if (identity != null) {
            ServerTls.configure(sb, bind, identity);
        } else {
            sb.http(bind);
        }
        sb.maxRequestLength(MAX_REQUEST_BYTES)
                .maxNumConnections(MAX_CONNECTIONS)
                .requestTimeout(config.requestTimeout().plusSeconds(5))
                .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
                .meterRegistry(metrics)
                .errorHandler(new RestErrors())
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("qnf.api")));
        sb.service(GrpcApi.service(fabric, cluster, access, MAX_REQUEST_BYTES));
        RestApi.install(sb, fabric, cluster, access, identity == null ? null : () -> CaPin.issuerOf(identity.get()),
                config.issuingCa() == null ? new CertificateRenewal(fabric, null, null, Clock.systemUTC())
                        : new CertificateRenewal(fabric, config.issuingCa().caDir(), config.issuingCa().passphrase(),
                        Clock.systemUTC()),
                new CaRotations(fabric, config.issuingCa() == null ? null : config.issuingCa().caDir(),
                        config.issuingCa() == null ? null : config.issuingCa().passphrase(),
                        identity == null ? java.util.List::of : () -> identity.get().bundle(), Clock.systemUTC()));
        sb.service("/metrics", new MetricsService(metrics));
        sb.serviceUnder("/docs", DocService.builder().build());
        return sb.build();
    }

    /** Only {@code /v1/join}: TLS without client authentication, on a port of its own (see docs/security.md). */
    private static Server joinPort(ServerConfig config, FabricService fabric) {
        HostPort address = HostPort.parse("joinAddress", config.joinPort().address());
        ReloadingIdentity identity = ReloadingIdentity.of(config.tls());
        ServerBuilder sb = Server.builder();
        ServerTls.configureJoin(sb, new InetSocketAddress(address.host(), address.port()), identity);
        sb.maxRequestLength(64 * 1024)
                .maxNumConnections(256)
                .requestTimeout(config.requestTimeout().plusSeconds(5))
                .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
                .errorHandler(new RestErrors());
        sb.annotatedService().exceptionHandlers(new RestErrors())
                .build(new JoinApi(new JoinExchange(fabric, config.joinPort().caDir(), config.joinPort().passphrase()),
                        () -> identity.get().bundle(), config.apiUrl()));
        return sb.build();
    }

    /** The join port actually bound, or -1 without one. */
    public int joinPort() {
        return joinHttp == null ? -1 : joinHttp.activeLocalPort();
    }

    public ServerConfig config() {
        return config;
    }

    public String id() {
        return config.id();
    }

    /** The API base URL, {@code https://host:port} ({@code http} without TLS). */
    public String apiUrl() {
        return config.apiUrl();
    }

    /** The port actually bound, which equals the configured one. */
    public int apiPort() {
        return http.activeLocalPort();
    }

    /** Completes once this server's API URL is recorded in the fabric. */
    public CompletableFuture<Void> announced() {
        return announcer.done();
    }

    /** Stops the API first, then the replica. */
    @Override
    public void close() {
        announcer.close();
        if (pruner != null) {
            pruner.close();
        }
        if (caFollower != null) {
            caFollower.close();
        }
        try {
            if (joinHttp != null) {
                joinHttp.stop().join();
            }
            http.stop().join();
        } finally {
            try {
                backend.close();
            } finally {
                metrics.close();
            }
        }
    }
}
