package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.Address;
import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.netlink.LinkOps;
import dev.qnf.agent.nft.Firewall;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Converges the host to a {@link DesiredState} through narrow interfaces ({@link LinkOps}, {@link Firewall},
 * {@link DnsPlane}, {@link HostSysctls}), so the logic runs against fakes in unit tests. Every step is idempotent and
 * reads the kernel before writing, so a pass over a converged host changes nothing; adopting after a restart is just
 * a pass. Deletions (stale QNF bridges and veths) happen only when the desired state allows garbage collection.
 *
 * <p>One lock serializes passes and CNI verbs ({@link #locked}): both change the host, and the firewall's
 * incremental transactions must start from the state the last one left.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private volatile int mtuLimit = Integer.MAX_VALUE;
    private static final Cidr LINK_LOCAL6 = Cidr.parse("fe80::/10");

    /** {@code APPLY}: incremental firewall change; {@code ADOPT}: rewrite QNF's tables whatever they hold. */
    public enum Mode { APPLY, ADOPT }

    /** What a pass changed and what failed (each failure leaves the other steps done). */
    public record Report(List<String> changes, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final LinkOps host;
    private final Firewall firewall;
    private final DnsPlane dns;
    private final HostSysctls sysctls;
    private final ReentrantLock lock = new ReentrantLock();
    /** Forwarding confirmed by a pass or an earlier CNI call: the fast path then skips the sysctl reads. */
    private boolean forwarding4;
    private boolean forwarding6;

    public Reconciler(LinkOps host, Firewall firewall, DnsPlane dns, HostSysctls sysctls) {
        this.host = Objects.requireNonNull(host);
        this.firewall = Objects.requireNonNull(firewall);
        this.dns = Objects.requireNonNull(dns);
        this.sysctls = Objects.requireNonNull(sysctls);
    }

    public LinkOps host() {
        return host;
    }

    /** Runs {@code work} holding the host lock. */
    public <T> T locked(Callable<T> work) throws Exception {
        lock.lock();
        try {
            return work.call();
        } finally {
            lock.unlock();
        }
    }

    /** A full pass: sysctls, bridges, veths, garbage, firewall, DNS. */
    public Report converge(DesiredState desired, Mode mode) {
        lock.lock();
        try {
            List<String> changes = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            boolean v6 = desired.networks().values().stream().anyMatch(n -> n.network().cidr6() != null);
            step(errors, "sysctls", () -> forwarding(v6, true));
            Map<String, Link> links = host.links().stream().collect(Collectors.toMap(Link::name, Function.identity()));
            for (DesiredState.HostNetwork n : desired.networks().values()) {
                step(errors, "bridge " + n.bridge(), () -> bridge(n, Optional.ofNullable(links.get(n.bridge())), changes));
            }
            Set<String> bridges = new HashSet<>();
            desired.networks().values().forEach(n -> bridges.add(n.bridge()));
            for (Link l : links.values()) {
                if (HostNames.isQnfBridge(l) && !bridges.contains(l.name()) && desired.gcAllowed()) {
                    step(errors, "delete bridge " + l.name(), () -> delete(l.name(), "stale bridge", changes));
                }
            }
            veths(desired, links, changes, errors);
            step(errors, "firewall", () -> firewall(desired, mode, changes));
            step(errors, "dns", () -> dns.converge(desired.dns()).forEach((net, why) -> errors.add("dns " + net + ": " + why)));
            if (!changes.isEmpty()) {
                LOG.info("reconcile ({}, revision {}): {}", mode, desired.revision(), changes);
            }
            return new Report(List.copyOf(changes), List.copyOf(errors));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Caps the MTU of bridges and container interfaces, whatever their network asks for: with the WireGuard mesh a
     * container's packets must fit the tunnel, or large packets to other hosts are lost.
     */
    public void limitMtu(int limit) {
        this.mtuLimit = limit;
    }

    /** The MTU this host gives a network's bridge and containers. */
    public int mtuOf(int networkMtu) {
        return Math.min(networkMtu, mtuLimit);
    }

    /** The fast path of a CNI verb: one network's bridge, before plugging a container into it. */
    public void ensureBridge(DesiredState.HostNetwork network) {
        lock.lock();
        try {
            forwarding(network.network().cidr6() != null, false);
            bridge(network, host.link(network.bridge()), new ArrayList<>());
        } finally {
            lock.unlock();
        }
    }

    /** The other fast path: firewall (incremental) and DNS records only, after a CNI verb changed the local set. */
    public void applyRules(DesiredState desired) {
        lock.lock();
        try {
            firewall.apply(desired.ruleset());
            Map<String, String> failed = dns.converge(desired.dns());
            if (!failed.isEmpty()) {
                LOG.warn("DNS not served for {} (retried by the next reconcile pass)", failed);
            }
        } finally {
            lock.unlock();
        }
    }

    private void forwarding(boolean v6, boolean always) {
        if (always || !forwarding4 || (v6 && !forwarding6)) {
            sysctls.enableForwarding(v6);
            forwarding4 = true;
            forwarding6 |= v6;
        }
    }

    private void bridge(DesiredState.HostNetwork hn, Optional<Link> existing, List<String> changes) {
        Network n = hn.network();
        String name = hn.bridge();
        int mtu = mtuOf(n.mtu());
        if (existing.isEmpty() || !existing.get().isBridge() || existing.get().mtu() != mtu) {
            host.createBridge(name, mtu);
            changes.add(existing.isEmpty() ? "created bridge " + name : "set bridge " + name + " mtu " + mtu);
        }
        Link link = host.link(name).orElseThrow(() -> new IllegalStateException("bridge " + name + " vanished"));
        String mac = HostNames.bridgeMac(n);
        if (mac != null && !mac.equalsIgnoreCase(link.mac())) {
            host.setMac(name, mac);
            changes.add("pinned " + name + " mac " + mac);
        }
        Set<Address> want = new HashSet<>();
        if (n.gateway() != null) {
            want.add(new Address(link.index(), n.gateway(), n.cidr().prefix()));
        }
        if (n.gateway6() != null) {
            want.add(new Address(link.index(), n.gateway6(), n.cidr6().prefix()));
        }
        List<Address> have = host.addresses(name).stream().filter(a -> !isLinkLocal(a.ip())).toList();
        for (Address a : want) {
            if (!have.contains(a)) {
                host.addAddress(name, a.ip(), a.prefix());
                changes.add("added " + a.ip() + "/" + a.prefix() + " to " + name);
            }
        }
        for (Address a : have) {
            if (!want.contains(a)) {
                host.deleteAddress(name, a.ip(), a.prefix());
                changes.add("removed stale " + a.ip() + "/" + a.prefix() + " from " + name);
            }
        }
        if (!link.up()) {
            host.setUp(name);
            changes.add("set " + name + " up");
        }
    }

    private void veths(DesiredState desired, Map<String, Link> links, List<String> changes, List<String> errors) {
        for (Link l : links.values()) {
            if (!HostNames.isQnfVeth(l)) {
                continue;
            }
            String bridge = desired.veths().get(l.name());
            if (bridge == null) {
                if (desired.gcAllowed()) {
                    step(errors, "delete veth " + l.name(), () -> delete(l.name(), "stale veth", changes));
                }
                continue;
            }
            step(errors, "veth " + l.name(), () -> {
                Link br = host.link(bridge).orElseThrow(() -> new IllegalStateException("bridge " + bridge + " missing"));
                if (l.masterIndex() != br.index()) {
                    host.setMaster(l.name(), bridge);
                    changes.add("attached " + l.name() + " to " + bridge);
                }
                if (!l.up()) {
                    host.setUp(l.name());
                    changes.add("set " + l.name() + " up");
                }
            });
        }
    }

    private void firewall(DesiredState desired, Mode mode, List<String> changes) {
        if (mode == Mode.ADOPT || firewall.applied() == null) {
            List<String> removed = firewall.adopt(desired.ruleset());
            if (!removed.isEmpty()) {
                changes.add("firewall: removed " + removed);
            }
        } else if (!desired.ruleset().equals(firewall.applied())) {
            firewall.apply(desired.ruleset());
            changes.add("firewall updated");
        }
    }

    private void delete(String link, String why, List<String> changes) {
        host.deleteLink(link);
        changes.add("deleted " + why + " " + link);
    }

    private static boolean isLinkLocal(IpAddress ip) {
        return ip.family() == 6 && LINK_LOCAL6.contains(ip);
    }

    private static void step(List<String> errors, String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("reconcile: {} failed: {}", what, e.toString());
            errors.add(what + ": " + e.getMessage());
        }
    }
}
