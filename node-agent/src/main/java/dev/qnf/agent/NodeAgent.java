package dev.qnf.agent;

import dev.qnf.agent.cni.CniPlugin;
import dev.qnf.agent.cni.CniServer;
import dev.qnf.agent.control.ControlPlaneLink;
import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.dns.DnsCounters;
import dev.qnf.agent.dns.DnsServerConfig;
import dev.qnf.agent.mesh.MeshPlane;
import dev.qnf.agent.metrics.AgentMetrics;
import dev.qnf.agent.metrics.MeshPeerMetrics;
import dev.qnf.agent.metrics.MetricsServer;
import dev.qnf.agent.metrics.PolicyCounters;
import dev.qnf.agent.netlink.Rtnetlink;
import dev.qnf.agent.nft.NftFirewall;
import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.reconcile.DnsServers;
import dev.qnf.agent.reconcile.HostSysctls;
import dev.qnf.agent.reconcile.ReconcileLoop;
import dev.qnf.agent.reconcile.Reconciler;
import dev.qnf.agent.state.StateStore;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.client.CertificateRenewer;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.node.NodeViews;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.mesh.device.WireGuardGo;
import dev.qnf.mesh.key.NodeKeyFile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node agent, wired in one place and started in order:
 * <ol>
 *   <li>host setup: netlink socket, nftables and DNS in the host namespace;</li>
 *   <li>local state: attachments, queued releases and the last control-plane view from the state dir;</li>
 *   <li>adoption: a first reconcile pass from that state, which adopts the bridges, veths and QNF tables it finds
 *       and tears nothing down that the state still wants (so containers keep working across restarts);</li>
 *   <li>the CNI socket;</li>
 *   <li>the control-plane link (register, heartbeat, watch from the stored revision) and periodic passes.</li>
 * </ol>
 * {@link #close()} stops them in reverse order and leaves the data plane as it is.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final AgentConfig config;
    /** Every meter of the agent; {@code /metrics} serves it. Other parts (the mesh) register theirs here too. */
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AgentMetrics metrics = new AgentMetrics(registry);
    private final DnsCounters dnsCounters = new DnsCounters();
    private final Rtnetlink host;
    private final DnsServers dns;
    private final StateStore store;
    private final QnfClient client;
    private final ControlPlaneLink link;
    private final ReconcileLoop loop;
    private final CniPlugin plugin;
    private final CniServer cni;
    private final ScheduledExecutorService housekeeping;
    private final MeshPlane mesh;
    private final PolicyCounters policyCounters;
    private final MeshPeerMetrics meshMetrics;
    private MetricsServer metricsServer;
    /** Renews this node's certificate at half life; null without TLS. */
    private CertificateRenewer renewer;

    private NodeAgent(AgentConfig config) throws IOException {
        this.config = config;
        // 1. host setup
        this.host = Rtnetlink.open(config.hostNs());
        NftFirewall firewall = new NftFirewall(config.hostNs());
        this.policyCounters = new PolicyCounters(registry, firewall::counters, () -> {
            Ruleset applied = firewall.applied();
            return applied == null ? Map.of() : applied.policy().policyKeys();
        });
        this.dns = new DnsServers(config.hostNs(),
                n -> DnsServerConfig.builder().network(n).port(config.dnsPort()).build(), dnsCounters);
        Reconciler reconciler = new Reconciler(host, firewall, dns, HostSysctls.of(config.hostNs()));
        HostSysctls.filterBridgedTraffic(config.hostNs()).ifPresent(why ->
                LOG.error("agent {}: bridged traffic bypasses the IP hooks ({}; br_netfilter must be loaded and "
                        + "net.bridge.bridge-nf-call-iptables/-ip6tables be 1): no policy applies between containers "
                        + "of one network on this host; anti-spoofing per port still does (docs/nftables.md)",
                        config.node(), why));
        // 2. local state
        this.store = StateStore.open(config.stateDir());
        FabricView stored = store.loadView().map(FabricView::of).orElse(FabricView.empty());
        LOG.info("agent {}: state dir {} has {} attachments, {} queued releases, view at revision {}", config.node(),
                config.stateDir(), store.attachments().size(), store.pendingReleases().size(), stored.revision());
        this.client = QnfClient.connect(config.endpoints().stream().map(URI::create).toList(), config.apiTimeout(),
                config.tls());
        this.mesh = config.mesh() == null ? null : new MeshPlane(config.node(), config.mesh(),
                NodeKeyFile.in(config.stateDir()), wireguardGo(config)::ensureRunning, host, config.hostNs(), client,
                this::pokeLink);
        if (mesh != null) {
            reconciler.limitMtu(mesh.tunnelMtu());
        }
        this.meshMetrics = mesh == null ? null
                : new MeshPeerMetrics(registry, config.node(), () -> mesh.view().nodes(), mesh::deviceStatus);
        this.link = new ControlPlaneLink(client, config.node(), this::registration, config.heartbeat(), stored,
                new LinkEvents());
        this.loop = new ReconcileLoop(reconciler, store, link::view, config.node(), config.domain(), config.resync(),
                metrics);
        this.plugin = new CniPlugin(config.node(), config.domain(), link, store, loop, metrics);
        this.cni = new CniServer(config.socket(), plugin::handle, config.cniThreads(), Duration.ofMinutes(2));
        this.housekeeping = DaemonThreads.scheduler("qnf-agent-housekeeping");
    }

    /** What each heartbeat registers: addresses, and with the mesh the public key and endpoints. */
    private NodeRequest registration() {
        return new NodeRequest(config.site() != null ? config.site() : mesh == null ? null : config.mesh().site(),
                config.addresses().isEmpty() ? null : config.addresses(),
                mesh == null ? null : mesh.publicKey().base64(), config.leaseSeconds(),
                mesh == null ? null : NodeViews.toWire(mesh.advertisement()));
    }

    /** Values read from the kernel and the WireGuard device, fresh for each scrape; one failing leaves the other. */
    private void beforeScrape() {
        try {
            policyCounters.refresh();
        } catch (RuntimeException e) {
            LOG.warn("metrics: reading the policy counters failed: {}", e.toString());
        }
        if (meshMetrics != null) {
            try {
                meshMetrics.refresh();
            } catch (IOException | RuntimeException e) {
                LOG.warn("metrics: reading the WireGuard device failed: {}", e.toString());
            }
        }
    }

    /** A rotated key is published by an immediate heartbeat rather than the next scheduled one. */
    private void pokeLink() {
        link.poke();
    }

    private static WireGuardGo wireguardGo(AgentConfig config) {
        boolean own = config.hostNs().equals(NetNs.host());
        return new WireGuardGo(config.mesh().ifname(), own ? null : config.hostNs().path(),
                config.stateDir().resolve("wireguard-go-" + config.mesh().ifname() + ".log"), Duration.ofSeconds(30));
    }

    /** Starts an agent; it runs until {@link #close()}. */
    public static NodeAgent start(AgentConfig config) throws IOException {
        NodeAgent agent = new NodeAgent(config);
        try {
            agent.startParts();
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void startParts() throws IOException {
        // 3. adoption
        Reconciler.Report first = loop.adopt();
        if (!first.ok()) {
            LOG.warn("agent {}: first pass incomplete ({}); retrying in the background", config.node(), first.errors());
        }
        // 4. CNI, metrics, and the mesh (its device and peers converge in the background)
        cni.start();
        if (mesh != null) {
            mesh.start();
        }
        if (config.metricsListen() != null) {
            metricsServer = MetricsServer.start(config.metricsListen(), registry, this::beforeScrape);
            LOG.info("agent {}: metrics on http://{}/metrics", config.node(), metricsServer.address());
        }
        // 5. control plane (with the certificate renewed at half life), periodic passes, queued releases
        if (config.tls() != null) {
            renewer = CertificateRenewer.start(client.endpoints(), config.apiTimeout(), config.tls());
        }
        link.start();
        loop.start();
        long hb = config.heartbeat().toMillis();
        housekeeping.scheduleWithFixedDelay(this::flushReleases, hb, hb, TimeUnit.MILLISECONDS);
        LOG.info("agent {} started (control plane {}, socket {})", config.node(), config.endpoints(), config.socket());
    }

    private void flushReleases() {
        try {
            if (link.connected() && !store.pendingReleases().isEmpty()) {
                plugin.flushReleases();
            }
        } catch (RuntimeException e) {
            LOG.warn("flushing queued releases failed: {}", e.getMessage());
        }
    }

    /** Control-plane events become reconcile triggers and release flushes, off the link's threads. */
    private final class LinkEvents implements ControlPlaneLink.Listener {
        @Override
        public void viewChanged(FabricView view) {
            loop.trigger();
            if (mesh != null) {
                mesh.trigger();
            }
        }

        @Override
        public void connectivityChanged(boolean connected) {
            if (connected) {
                housekeeping.execute(NodeAgent.this::flushReleases);
                loop.trigger();
            }
        }
    }

    public AgentConfig config() {
        return config;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /** The registry {@code /metrics} serves: register more meters here. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** Where {@code /metrics} is served; null when it is not. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }

    /** Reads the policy counters from the kernel into the registry now (a scrape does it by itself). */
    public void refreshPolicyCounters() {
        policyCounters.refresh();
    }

    public DnsCounters dnsMetrics() {
        return dnsCounters;
    }

    public StateStore store() {
        return store;
    }

    public ReconcileLoop loop() {
        return loop;
    }

    public boolean connected() {
        return link.connected();
    }

    /** Connected to the control plane and the host programmed: what CNI STATUS reports as ready. */
    public boolean ready() {
        return link.connected() && loop.programmed();
    }

    /** The mesh plane, or null without the mesh. */
    public MeshPlane mesh() {
        return mesh;
    }

    public FabricView view() {
        return link.view();
    }

    /**
     * Completes, with the refusal, when the control plane refused this node for good (revoked, its certificate
     * refused): the agent no longer talks to it; {@code qnf agent} then exits (see docs/agent.md).
     */
    public java.util.concurrent.CompletableFuture<dev.qnf.api.client.QnfApiException> refused() {
        return link.refused();
    }

    /** Stops serving; the bridges, veths, rules and addresses stay (a restarted agent adopts them). */
    @Override
    public void close() {
        if (mesh != null) {
            mesh.close();
        }
        link.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        cni.close();
        housekeeping.shutdownNow();
        if (renewer != null) {
            renewer.close();
        }
        loop.close();
        dns.close();
        host.close();
        client.close();
        LOG.info("agent {} stopped; data plane left in place", config.node());
    }
}
