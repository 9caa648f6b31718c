package dev.qnf.agent.mesh;

import dev.qnf.agent.netlink.Address;
import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.netlink.LinkOps;
import dev.qnf.agent.netlink.ProxyNeighbor;
import dev.qnf.agent.netlink.Route;
import dev.qnf.agent.netlink.Sysctl;
import dev.qnf.agent.reconcile.HostNames;
import dev.qnf.agent.reconcile.HostSysctls;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Watching;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.model.NodeMesh;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.MeshPlan;
import dev.qnf.mesh.MeshTopology;
import dev.qnf.mesh.PeerDiff;
import dev.qnf.mesh.device.WireGuardDevice;
import dev.qnf.mesh.key.NodeKeyFile;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's WireGuard plane, beside the bridge/firewall/DNS planes of the reconcile loop: one device per node,
 * its peers and the routes of remote blocks into it, converged from a {@link MeshView} of its own watch.
 *
 * <p>A pass: make sure the device answers (starting or adopting it through {@link DeviceSource}), load the private
 * key file (a changed key is a rotation: set on the device, then published by the next registration), compute
 * the {@link MeshTopology plan}, send the {@link PeerDiff incremental diff} and converge routes. Passes run on one
 * thread, after every watch message (coalesced) and every {@code pass} interval.
 */
public final class MeshPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeshPlane.class);
    private static final Cidr LINK_LOCAL6 = Cidr.parse("fe80::/10");
    private static final Cidr MULTICAST6 = Cidr.parse("ff00::/8");

    /** Where the device comes from: wireguard-go started or adopted, or a fake in tests. */
    public interface DeviceSource {
        WireGuardDevice ensureRunning() throws IOException;
    }

    private final String node;
    private final MeshConfig config;
    private final NodeKeyFile keyFile;
    private final DeviceSource source;
    private final LinkOps host;
    private final NetNs hostNs;
    private final QnfClient client;
    private final Runnable keyChanged;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object viewLock = new Object();
    private volatile MeshView view = MeshView.empty();
    private volatile WgKey privateKey;
    private volatile MeshPlan plan = new MeshPlan(List.of(), List.of(), java.util.Map.of());
    private volatile int tunnelMtu;
    private WireGuardDevice device;
    private Watching watching;

    /**
     * @param keyChanged called after a rotation has been set on the device, so the agent re-registers at once
     */
    public MeshPlane(String node, MeshConfig config, NodeKeyFile keyFile, DeviceSource source, LinkOps host,
                     NetNs hostNs, QnfClient client, Runnable keyChanged) throws IOException {
        this.node = node;
        this.hostNs = hostNs;
        this.config = config;
        this.keyFile = keyFile;
        this.source = source;
        this.host = host;
        this.client = client;
        this.keyChanged = keyChanged;
        this.privateKey = keyFile.loadOrCreate();
        this.tunnelMtu = config.tunnelMtu(underlayMtu());
        this.executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("qnf-mesh"));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The public key this node publishes. */
    public WgKey publicKey() {
        return X25519.publicOf(privateKey);
    }

    /** The advertisement that goes into this node's registration. */
    public NodeMesh advertisement() {
        return new NodeMesh(config.endpoint().toString(),
                config.publicEndpoint() == null ? null : config.publicEndpoint().toString(), config.gateway(),
                config.tunnelAddress() == null ? null : config.tunnelAddress().toString());
    }

    /** The MTU of the tunnel, and the most a container interface may have for its packets to fit. */
    public int tunnelMtu() {
        return tunnelMtu;
    }

    public MeshPlan plan() {
        return plan;
    }

    public MeshView view() {
        return view;
    }

    /** Brings the device up (a failure is retried by later passes) and starts watching and converging. */
    public void start() {
        executor.execute(this::passSafely);
        startWatch();
        long every = config.pass().toMillis();
        executor.scheduleWithFixedDelay(this::passSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void startWatch() {
        if (watching != null && !watching.done().isDone()) {
            return;
        }
        // from revision 1: the whole state (or a RESYNC of it when the log was compacted), whatever the agent stored
        watching = client.watch(watching == null ? 1L : watching.lastRevision() + 1, this::onMessage);
    }

    private void onMessage(WatchMessage m) {
        synchronized (viewLock) {
            view = view.apply(m);
        }
        trigger();
    }

    /** Requests a pass soon; requests while one is queued coalesce. */
    public void trigger() {
        if (pending.compareAndSet(false, true)) {
            executor.execute(() -> {
                pending.set(false);
                passSafely();
            });
        }
    }

    private void passSafely() {
        try {
            pass();
            startWatch();
        } catch (IOException | RuntimeException e) {
            LOG.warn("mesh pass failed (retried): {}", e.toString());
            device = null;
        }
    }

    /** One convergence pass; public for tests that drive it directly. */
    public synchronized void pass() throws IOException {
        boolean fresh = device == null;
        if (fresh) {
            device = source.ensureRunning();
        }
        DeviceStatus status = device.status();
        WgKey stored = keyFile.load();
        boolean rotated = !stored.equals(privateKey);
        privateKey = stored;
        boolean keyOrPort = status.publicKey() == null || !status.publicKey().equals(X25519.publicOf(stored))
                || status.listenPort() != config.port();
        MeshView v = view;
        MeshPlan next = MeshTopology.plan(node, v.nodes(), v.blocks(), config.keepaliveSeconds());
        List<DeviceUpdate.PeerChange> changes = PeerDiff.between(next.peers(), status.peers());
        DeviceUpdate update = new DeviceUpdate(keyOrPort ? stored : null, keyOrPort ? config.port() : null, changes);
        if (!update.isEmpty()) {
            device.apply(update);
            LOG.info("mesh {}: {}{} peer changes at revision {} ({} peers wanted)", config.ifname(),
                    keyOrPort ? "key/port set, " : "", changes.size(), v.revision(), next.peers().size());
        }
        if (fresh) {
            link();
        }
        routes(next.routes());
        if (next.routes().stream().anyMatch(c -> c.family() == 6)) {
            // a gateway relays other nodes' IPv6 blocks between its peers without an IPv6 network of its own, so
            // the reconciler (which turns IPv6 forwarding on for local IPv6 networks) would not have done it
            HostSysctls.of(hostNs).enableForwarding(true);
        }
        proxyNeighbors(v);
        plan = next;
        if (rotated) {
            LOG.info("mesh {}: key rotated, publishing public key {}", config.ifname(), publicKey());
            keyChanged.run();
        }
    }

    /** MTU, tunnel address and up: idempotent, after the daemon (re)created the interface. */
    private void link() {
        Link l = host.link(config.ifname()).orElseThrow(() ->
                new IllegalStateException("WireGuard interface " + config.ifname() + " is missing"));
        if (l.mtu() != tunnelMtu) {
            host.setMtu(config.ifname(), tunnelMtu);
        }
        IpAddress t = config.tunnelAddress();
        if (t != null) {
            host.addAddress(config.ifname(), t, t.bits());
        }
        if (!l.up()) {
            host.setUp(config.ifname());
        }
    }

    private void routes(List<Cidr> wanted) {
        Set<Cidr> have = new HashSet<>();
        List<Route> extra = new ArrayList<>();
        for (int family : new int[]{4, 6}) {
            for (Route r : host.routes(family)) {
                if (!config.ifname().equals(r.device()) || r.gateway() != null || ours(r.destination())) {
                    continue;
                }
                if (wanted.contains(r.destination())) {
                    have.add(r.destination());
                } else {
                    extra.add(r);
                }
            }
        }
        for (Cidr c : wanted) {
            if (!have.contains(c)) {
                host.replaceRoute(Route.onLink(c, config.ifname()));
            }
        }
        for (Route r : extra) {
            host.deleteRoute(r);
        }
    }

    /**
     * A container's address carries its network's prefix, so it ARPs (or solicits, IPv6) for a container on another
     * host as if it were on its bridge. With proxy ARP the bridge answers for addresses routed elsewhere (into the
     * tunnel) and stays silent for local ones, which answer themselves. IPv6 has no such switch: proxy NDP answers
     * only for addresses with a proxy entry, so the bridge gets one entry per IPv6 address of its network's
     * endpoints on other nodes (added and removed with them), and {@code proxy_ndp} on.
     */
    private void proxyNeighbors(MeshView v) {
        List<String> bridges = host.links().stream().filter(HostNames::isQnfBridge).map(Link::name).toList();
        if (!bridges.isEmpty()) {
            hostNs.exec(() -> {
                Sysctl s = Sysctl.proc();
                for (String b : bridges) {
                    enable(s, "net/ipv4/conf/" + b + "/proxy_arp");
                    enable(s, "net/ipv6/conf/" + b + "/proxy_ndp");
                }
            });
        }
        Set<ProxyNeighbor> wanted = new HashSet<>();
        for (MeshView.Endpoint6 e : v.endpoints6()) {
            String bridge = HostNames.bridge(e.network());
            if (!node.equals(e.node()) && bridges.contains(bridge)) {
                wanted.add(new ProxyNeighbor(e.ip(), bridge));
            }
        }
        Set<ProxyNeighbor> have = new HashSet<>();
        for (ProxyNeighbor p : host.proxyNeighbors(6)) {
            if (bridges.contains(p.device())) {
                have.add(p);
            }
        }
        for (ProxyNeighbor p : wanted) {
            if (!have.contains(p)) {
                host.addProxyNeighbor(p);
            }
        }
        for (ProxyNeighbor p : have) {
            if (!wanted.contains(p)) {
                host.deleteProxyNeighbor(p);
            }
        }
    }

    private static void enable(Sysctl s, String key) {
        if (!"1".equals(s.read(key).trim())) {
            s.write(key, "1");
        }
    }

    /** Routes the kernel keeps for the interface itself: link-local, multicast, our own tunnel address. */
    private boolean ours(Cidr c) {
        IpAddress t = config.tunnelAddress();
        return LINK_LOCAL6.contains(c) || MULTICAST6.contains(c) || t != null && c.contains(t) && c.prefix() < t.bits();
    }

    /** The MTU of the link that holds the advertised endpoint address; 1500 when none does (behind a NAT, say). */
    private int underlayMtu() {
        for (Link l : host.links()) {
            for (Address a : host.addresses(l.name())) {
                if (a.ip().equals(config.endpoint().ip())) {
                    return l.mtu();
                }
            }
        }
        LOG.warn("mesh: no link holds {}; deriving the tunnel MTU from 1500", config.endpoint().ip());
        return 1500;
    }

    /** The device's view for status reports, or null while it is not running. */
    public synchronized DeviceStatus deviceStatus() throws IOException {
        return device == null ? null : device.status();
    }

    /** Stops converging; the device, its peers and routes stay (a restarted agent adopts them). */
    @Override
    public void close() {
        executor.shutdownNow();
        synchronized (this) {
            if (watching != null) {
                watching.close();
            }
        }
    }
}
