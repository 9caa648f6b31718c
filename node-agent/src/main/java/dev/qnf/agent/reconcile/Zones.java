package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.policy.Labels;
import org.pcollections.PMap;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The DNS records of each network on this host: every endpoint of the network the view knows (names are
 * cluster-wide), overridden by this host's own attachments (which may be newer than the view). What an endpoint puts
 * in the zone (name, addresses, {@link #ALIAS_LABEL_PREFIX aliases}, services) is decided by the dns package alone.
 *
 * <p>Each pass updates the last zone of the network by what changed ({@link DnsRecords#update}), the way
 * {@link AddressBook} updates the policy plan's addresses: the view's endpoint map of a network is walked against the
 * one the last zone came from (an unchanged network is the same object and costs nothing), and the few entries this
 * host overrides are compared one by one. A network seen for the first time, or whose spec or domain changed, is
 * the update of an empty zone with all its endpoints, which is also what {@link #fresh} computes.
 */
public final class Zones {
    /**
     * Endpoint labels {@code alias.qnf.dev/<alias>} (any value) give the endpoint's addresses a second name; the CNI
     * {@code aliases} capability is stored this way.
     */
    public static final String ALIAS_LABEL_PREFIX = Labels.ALIAS_PREFIX;

    /**
     * What the last zone of a network was built from, and the zone. {@code overrides} are this host's word on single
     * endpoints: an attachment's endpoint, or null for one being released.
     */
    private record Memo(Network network, String domain, PMap<String, Endpoint> endpoints,
                        Map<String, Endpoint> overrides, DnsRecords records) {
        Endpoint effective(String id) {
            return overrides.containsKey(id) ? overrides.get(id) : endpoints.get(id);
        }
    }

    /**
     * The last zones, by network. Shared like {@link PolicyPlanBuilder}'s memos: an update is correct from any
     * earlier memo (it diffs against what that memo was built from), only less incremental from another agent's.
     */
    private static final Map<String, Memo> MEMOS = new ConcurrentHashMap<>();

    private Zones() {
    }

    static Map<String, DnsZone> build(Collection<DesiredState.HostNetwork> networks, FabricView view,
                                      List<LocalAttachment> live, DesiredState.Inputs in,
                                      List<LocalAttachment> orphaned) {
        return build(networks, view, live, in, orphaned, true);
    }

    /** What {@link #build} computes, from nothing and without reading or writing the memos (tests compare the two). */
    static Map<String, DnsZone> fresh(Collection<DesiredState.HostNetwork> networks, FabricView view,
                                      List<LocalAttachment> live, DesiredState.Inputs in,
                                      List<LocalAttachment> orphaned) {
        return build(networks, view, live, in, orphaned, false);
    }

    private static Map<String, DnsZone> build(Collection<DesiredState.HostNetwork> networks, FabricView view,
                                              List<LocalAttachment> live, DesiredState.Inputs in,
                                              List<LocalAttachment> orphaned, boolean memo) {
        Set<String> gone = orphaned.stream().map(LocalAttachment::key).collect(Collectors.toSet());
        gone.addAll(in.pendingReleases());
        long serial = view.revision() & 0xffffffffL;
        Map<String, DnsZone> out = new TreeMap<>();
        for (DesiredState.HostNetwork h : networks) {
            if (h.network().gateway() == null && h.network().gateway6() == null) {
                continue;
            }
            Map<String, Endpoint> overrides = new HashMap<>();
            String prefix = LocalAttachment.key(h.name(), "");
            gone.stream().filter(k -> k.startsWith(prefix))
                    .forEach(k -> overrides.put(k.substring(prefix.length()), null));
            for (LocalAttachment a : live) {
                if (a.network().equals(h.name())) {
                    overrides.put(a.endpoint(), DesiredState.endpointOf(a, in.node(), view));
                }
            }
            Memo now = new Memo(h.network(), in.domain(), view.endpointMap(h.name()),
                    Collections.unmodifiableMap(overrides), null);
            Memo last = memo ? MEMOS.get(h.name()) : null;
            DnsRecords records = last != null && last.network().equals(h.network()) && last.domain().equals(in.domain())
                    ? update(last, now, serial) : fromNothing(now, serial);
            if (memo) {
                MEMOS.put(h.name(), new Memo(now.network(), now.domain(), now.endpoints(), now.overrides(), records));
            }
            out.put(h.name(), new DnsZone(h.network(), records));
        }
        if (memo) {
            MEMOS.keySet().retainAll(out.keySet());
        }
        return out;
    }

    /** The empty zone updated with every endpoint: the first build of a network. */
    private static DnsRecords fromNothing(Memo now, long serial) {
        DnsRecords empty = DnsRecords.builder(now.network().name()).domain(now.domain()).serial(serial)
                .network(now.network()).build();
        Map<String, Endpoint> all = new HashMap<>(now.endpoints());
        now.overrides().keySet().forEach(id -> all.put(id, now.effective(id)));
        return empty.update(serial, all);
    }

    /** The last zone updated with the endpoints whose effective value differs; the same object if none and serial. */
    private static DnsRecords update(Memo last, Memo now, long serial) {
        Set<String> touched = new HashSet<>(last.overrides().keySet());
        touched.addAll(now.overrides().keySet());
        MapDiff.forEachChange(last.endpoints(), now.endpoints(), (id, was, is) -> touched.add(id));
        Map<String, Endpoint> changed = new HashMap<>();
        for (String id : touched) {
            Endpoint e = now.effective(id);
            if (!Objects.equals(last.effective(id), e)) {
                changed.put(id, e);
            }
        }
        if (changed.isEmpty() && serial == last.records().serial()) {
            return last.records();
        }
        return last.records().update(serial, changed);
    }
}
