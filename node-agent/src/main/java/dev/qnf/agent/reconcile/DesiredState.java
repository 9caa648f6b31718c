package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.control.Views;
import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the host should look like, computed from the control-plane view and the local attachments; a pure function
 * of its inputs (no kernel, no clock), so it is unit-tested directly.
 *
 * <ul>
 *   <li>An endpoint is <em>local</em> when this host plugged it (a {@link LocalAttachment}), or when the view places
 *       it on this node (this covers a lost state dir: the veth name is derived from the endpoint). Releases not yet
 *       confirmed by the control plane are not local.</li>
 *   <li>An attachment is <em>orphaned</em> when the view, at or after the attachment's revision, no longer has its
 *       endpoint (or gives it to another address or container): someone released it through the API, so the
 *       address may already be someone else's. Orphans are torn down.</li>
 *   <li>A network is on this host when it has a local endpoint; its spec comes from the view, or, while the view
 *       lacks it (fail static after a restart), from the attachment.</li>
 * </ul>
 *
 * @param revision  the view's revision (the DNS serial)
 * @param gcAllowed whether the view came from the control plane; until then nothing is deleted
 * @param networks  by name
 * @param veths     host veth name → bridge name, for every local endpoint
 * @param ruleset   the firewall and NAT
 * @param dns       by network name, for networks with a gateway
 * @param orphaned  attachments to tear down
 */
public record DesiredState(long revision, boolean gcAllowed, Map<String, HostNetwork> networks,
                           Map<String, String> veths, Ruleset ruleset, Map<String, DnsZone> dns,
                           List<LocalAttachment> orphaned) {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredState.class);

    /** A network with a bridge on this host. */
    public record HostNetwork(Network network, String bridge) {
        public String name() {
            return network.name();
        }
    }

    /** Everything the computation reads. */
    public record Inputs(FabricView view, Collection<LocalAttachment> attachments, Set<String> pendingReleases,
                         String node, String domain) {
    }

    public static DesiredState compute(Inputs in) {
        FabricView view = in.view();
        List<LocalAttachment> live = new ArrayList<>();
        List<LocalAttachment> orphaned = new ArrayList<>();
        for (LocalAttachment a : in.attachments()) {
            (isOrphan(a, view) ? orphaned : live).add(a);
        }
        Map<String, Endpoint> local = new LinkedHashMap<>(); // key → endpoint; attachments first
        for (LocalAttachment a : live) {
            local.put(a.key(), endpointOf(a, in.node(), view));
        }
        for (Endpoint e : view.endpointsOn(in.node())) {
            String key = LocalAttachment.key(e.network(), e.id());
            if (!in.pendingReleases().contains(key)) {
                local.putIfAbsent(key, e);
            }
        }

        Map<String, HostNetwork> networks = networks(view, live, local.values());
        Map<String, String> veths = new TreeMap<>();
        Map<String, String> hostIfs = new LinkedHashMap<>();
        live.forEach(a -> hostIfs.put(a.key(), a.hostIf()));
        local.forEach((key, e) -> {
            HostNetwork n = networks.get(e.network());
            if (n != null) {
                veths.put(hostIfs.getOrDefault(key, HostNames.veth(e.network(), e.id())), n.bridge());
            }
        });
        Ruleset ruleset = RulesetBuilder.build(networks.values(), local.values(), live,
                PolicyPlanBuilder.build(view, local.values()));
        Map<String, DnsZone> dns = Zones.build(networks.values(), view, live, in, orphaned);
        return new DesiredState(view.revision(), view.known(), networks, veths, ruleset, dns, orphaned);
    }

    /** The view has moved past the attachment and no longer agrees with it. */
    static boolean isOrphan(LocalAttachment a, FabricView view) {
        if (!view.known() || view.revision() < a.revision()) {
            return false;
        }
        Endpoint e = view.endpoint(a.network(), a.endpoint()).orElse(null);
        if (e == null) {
            return true;
        }
        return !Objects.equals(str(e.ip()), a.ip()) || !Objects.equals(str(e.ip6()), a.ip6())
                || (e.containerId() != null && a.containerId() != null && !e.containerId().equals(a.containerId()));
    }

    /**
     * A live attachment as a domain endpoint (for the ruleset and DNS). The attachment is the host's truth for the
     * plumbing (addresses, container, MAC), but its labels are only those the CNI ADD knew: once the view has caught
     * up with the attachment, the labels are the view's, which {@code qnf endpoint label} may have changed since.
     * (Taking the ADD's labels for ever left a relabelled container on an identity that no longer exists: denied
     * both ways as {@code UNKNOWN}, whatever the policies said.)
     */
    static Endpoint endpointOf(LocalAttachment a, String node, FabricView view) {
        Map<String, String> labels = a.labels();
        if (view.known() && view.revision() >= a.revision()) {
            labels = view.endpoint(a.network(), a.endpoint()).map(Endpoint::labels).orElse(labels);
        }
        return new Endpoint(a.network(), a.endpoint(), node, a.ip() == null ? null : IpAddress.parse(a.ip()),
                a.ip6() == null ? null : IpAddress.parse(a.ip6()), a.containerId(), a.ifName(),
                a.mac(), labels);
    }

    private static Map<String, HostNetwork> networks(FabricView view, List<LocalAttachment> live,
                                                     Collection<Endpoint> local) {
        Map<String, Network> specs = new TreeMap<>();
        for (Endpoint e : local) {
            view.network(e.network()).ifPresent(n -> specs.put(n.name(), n));
        }
        for (LocalAttachment a : live) {
            specs.computeIfAbsent(a.network(), k -> Views.network(a.spec()));
        }
        Map<String, HostNetwork> out = new TreeMap<>();
        Map<String, String> bridges = new TreeMap<>();
        for (Network n : specs.values()) {
            String clash = out.values().stream().filter(h -> overlaps(h.network(), n)).map(HostNetwork::name)
                    .findFirst().orElse(null);
            String bridge = HostNames.bridge(n.name());
            if (clash != null || bridges.containsKey(bridge)) {
                LOG.error("network {} overlaps network {} (or shares its bridge name) on this node; not programming it",
                        n.name(), clash != null ? clash : bridges.get(bridge));
                continue;
            }
            bridges.put(bridge, n.name());
            out.put(n.name(), new HostNetwork(n, bridge));
        }
        return out;
    }

    private static boolean overlaps(Network a, Network b) {
        return overlap(a.cidr(), b.cidr()) || overlap(a.cidr6(), b.cidr6());
    }

    private static boolean overlap(Cidr a, Cidr b) {
        return a != null && b != null && a.overlaps(b);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
