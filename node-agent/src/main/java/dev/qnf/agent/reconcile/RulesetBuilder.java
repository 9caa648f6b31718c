package dev.qnf.agent.reconcile;

import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.PortMap;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The nftables {@link Ruleset} of a desired state: the host's networks, its local endpoints (with their identities
 * and bridge ports),
 * the published ports of its attachments, and the policy plan ({@link PolicyPlanBuilder}). Conflicts that the ruleset would refuse (an address or a host port claimed twice) are
 * resolved first come, first served, with an error in the log, so one bad record cannot stop the whole host.
 */
final class RulesetBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(RulesetBuilder.class);

    private RulesetBuilder() {
    }

    /**
     * The last build: each local endpoint (by the object, as the view and the caller hand the same object while it
     * does not change) with what it became, and the ruleset. The next build converts only endpoints that are new
     * objects or whose identity or port changed, and derives the ruleset from this one by them
     * ({@link Ruleset#withEndpoints}, which checks those alone). Shared like {@link PolicyPlanBuilder}'s memos: a
     * build is correct from any earlier one, only less incremental from another agent's.
     */
    private record Memo(List<Ruleset.Network> networks, Map<Endpoint, Converted> converted, Ruleset ruleset) {
    }

    /** One local endpoint in the ruleset, and the attachment's veth it was given (null: the name QNF gives it). */
    private record Converted(Ruleset.Endpoint endpoint, String hostIf) {
    }

    private static volatile Memo memo;

    static Ruleset build(Collection<DesiredState.HostNetwork> networks, Collection<Endpoint> local,
                         List<LocalAttachment> live, PolicyPlanBuilder.Result policy) {
        return build(networks, local, live, policy, true);
    }

    /** What {@link #build} computes from nothing, without reading or writing the memo (tests compare the two). */
    static Ruleset fresh(Collection<DesiredState.HostNetwork> networks, Collection<Endpoint> local,
                         List<LocalAttachment> live, PolicyPlanBuilder.Result policy) {
        return build(networks, local, live, policy, false);
    }

    private static Ruleset build(Collection<DesiredState.HostNetwork> networks, Collection<Endpoint> local,
                                 List<LocalAttachment> live, PolicyPlanBuilder.Result policy, boolean useMemo) {
        List<Ruleset.Network> nets = networks.stream().map(h -> new Ruleset.Network(h.name(), h.bridge(),
                h.network().cidr(), h.network().cidr6(), h.network().nat())).toList();
        Set<String> present = new HashSet<>();
        networks.forEach(h -> present.add(h.name()));
        Map<String, String> hostIfs = new HashMap<>();
        live.forEach(a -> hostIfs.put(a.key(), a.hostIf()));

        Memo last = useMemo ? memo : null;
        Map<Endpoint, Converted> converted = new IdentityHashMap<>();
        Ruleset endpoints = null;
        if (last != null && last.networks().equals(nets)) {
            endpoints = derived(last, local, present, hostIfs, policy, converted);
        }
        boolean derivable = true;
        if (endpoints == null) {
            converted.clear();
            List<Endpoint> leftOut = new ArrayList<>();
            endpoints = whole(nets, local, present, hostIfs, policy, converted, leftOut);
            // a build that left an endpoint out cannot be derived from: the left-out one is no change next time
            derivable = leftOut.isEmpty();
        }
        Ruleset out = endpoints.withPortsAndPolicy(ports(live, endpoints), policy.plan());
        if (useMemo) {
            memo = derivable ? new Memo(nets, converted, out) : null;
        }
        return out;
    }

    /**
     * Every local endpoint converted. Conflicts that the ruleset would refuse (an address claimed twice) are resolved
     * first come, first served, with an error in the log, so one bad record cannot stop the whole host.
     */
    private static Ruleset whole(List<Ruleset.Network> nets, Collection<Endpoint> local, Set<String> present,
                                 Map<String, String> hostIfs, PolicyPlanBuilder.Result policy,
                                 Map<Endpoint, Converted> converted, List<Endpoint> leftOut) {
        Set<IpAddress> taken = new HashSet<>();
        List<Ruleset.Endpoint> endpoints = new ArrayList<>();
        for (Endpoint e : local) {
            if (!present.contains(e.network()) || (e.ip() == null && e.ip6() == null)) {
                continue;
            }
            if ((e.ip() != null && taken.contains(e.ip())) || (e.ip6() != null && taken.contains(e.ip6()))) {
                LOG.error("endpoint {}/{} claims an address already held on this node; left out of the firewall",
                        e.network(), e.id());
                leftOut.add(e);
                continue;
            }
            if (e.ip() != null) {
                taken.add(e.ip());
            }
            if (e.ip6() != null) {
                taken.add(e.ip6());
            }
            Converted c = convert(e, null, hostIfs, policy);
            converted.put(e, c);
            endpoints.add(c.endpoint());
        }
        return Ruleset.of(nets, endpoints, List.of());
    }

    /**
     * The endpoints of {@code last} changed by the local endpoints that are new objects, gone, or got another
     * identity or port; null when the change is refused (an address claimed twice): {@link #whole} then decides who
     * keeps it, as always.
     */
    private static Ruleset derived(Memo last, Collection<Endpoint> local, Set<String> present,
                                   Map<String, String> hostIfs, PolicyPlanBuilder.Result policy,
                                   Map<Endpoint, Converted> converted) {
        Map<String, Ruleset.Endpoint> changes = new HashMap<>();
        for (Endpoint e : local) {
            if (!present.contains(e.network()) || (e.ip() == null && e.ip6() == null)) {
                continue;
            }
            Converted was = last.converted().get(e);
            Converted now = convert(e, was, hostIfs, policy);
            if (converted.put(e, now) != null) {
                return null; // the same endpoint twice: left to the whole build (and the ruleset's check)
            }
            if (now != was && changes.put(now.endpoint().id(), now.endpoint()) != null) {
                return null;
            }
        }
        last.converted().forEach((e, was) -> {
            if (!converted.containsKey(e)) {
                changes.putIfAbsent(was.endpoint().id(), null);
            }
        });
        try {
            return last.ruleset().withEndpoints(changes);
        } catch (IllegalArgumentException conflict) {
            return null;
        }
    }

    /** One local endpoint as the ruleset's: {@code was} itself when its identity and port are the same. */
    private static Converted convert(Endpoint e, Converted was, Map<String, String> hostIfs,
                                     PolicyPlanBuilder.Result policy) {
        String id = was != null ? was.endpoint().id() : rulesetId(e);
        int identity = policy.local().getOrDefault(id, PolicyPlanBuilder.UNKNOWN);
        // The port of each endpoint, held to its addresses and MAC: the attachment's veth, or the name QNF gives
        // it when only the view knows the endpoint (as the reconciler keeps that veth).
        String hostIf = hostIfs.isEmpty() ? null : hostIfs.get(LocalAttachment.key(e.network(), e.id()));
        if (was != null && was.endpoint().identity() == identity && Objects.equals(was.hostIf(), hostIf)) {
            return was;
        }
        return new Converted(new Ruleset.Endpoint(id, e.network(), e.ip(), e.ip6(), identity).onPort(
                hostIf != null ? hostIf : HostNames.veth(e.network(), e.id()),
                Ruleset.Port.isMac(e.mac()) ? e.mac() : null), hostIf);
    }

    /** The published ports of the attachments whose endpoint is in the ruleset. */
    private static List<Ruleset.PortMapping> ports(List<LocalAttachment> live, Ruleset endpoints) {
        List<Ruleset.PortMapping> ports = new ArrayList<>();
        for (LocalAttachment a : live) {
            if (a.ports().isEmpty() || !endpoints.endpoints().containsKey(rulesetId(a.network(), a.endpoint()))) {
                continue;
            }
            for (PortMap p : a.ports()) {
                for (String address : new String[]{a.ip(), a.ip6()}) {
                    if (address == null) {
                        continue;
                    }
                    Ruleset.PortMapping m = new Ruleset.PortMapping(Ruleset.Protocol.valueOf(p.protocol().toUpperCase()),
                            p.hostPort(), IpAddress.parse(address), p.containerPort());
                    if (ports.stream().anyMatch(o -> o.protocol() == m.protocol() && o.hostPort() == m.hostPort()
                            && o.address().family() == m.address().family())) {
                        LOG.error("host port {} of {} is already published by another container; left out", p, a.key());
                        continue;
                    }
                    ports.add(m);
                }
            }
        }
        return ports;
    }

    /** Ruleset endpoint ids are unique per node, endpoint ids only per network. */
    static String rulesetId(Endpoint e) {
        return rulesetId(e.network(), e.id());
    }

    static String rulesetId(String network, String endpoint) {
        String id = network + ":" + endpoint;
        return id.length() <= 128 ? id : network + ":" + HostNames.digest(endpoint, 32);
    }
}
