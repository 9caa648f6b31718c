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
import java.util.List;
import java.util.Map;
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

    static Ruleset build(Collection<DesiredState.HostNetwork> networks, Collection<Endpoint> local,
                         List<LocalAttachment> live, PolicyPlanBuilder.Result policy) {
        List<Ruleset.Network> nets = networks.stream().map(h -> new Ruleset.Network(h.name(), h.bridge(),
                h.network().cidr(), h.network().cidr6(), h.network().nat())).toList();
        Set<String> present = new HashSet<>();
        networks.forEach(h -> present.add(h.name()));

        // The port of each endpoint, held to its addresses and MAC: the attachment's veth, or the name QNF gives
        // it when only the view knows the endpoint (as the reconciler keeps that veth).
        Map<String, String> hostIfs = new HashMap<>();
        live.forEach(a -> hostIfs.put(a.key(), a.hostIf()));
        Set<IpAddress> taken = new HashSet<>();
        List<Ruleset.Endpoint> endpoints = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (Endpoint e : local) {
            if (!present.contains(e.network()) || (e.ip() == null && e.ip6() == null)) {
                continue;
            }
            if ((e.ip() != null && taken.contains(e.ip())) || (e.ip6() != null && taken.contains(e.ip6()))) {
                LOG.error("endpoint {}/{} claims an address already held on this node; left out of the firewall",
                        e.network(), e.id());
                continue;
            }
            if (e.ip() != null) {
                taken.add(e.ip());
            }
            if (e.ip6() != null) {
                taken.add(e.ip6());
            }
            kept.add(LocalAttachment.key(e.network(), e.id()));
            endpoints.add(new Ruleset.Endpoint(rulesetId(e), e.network(), e.ip(), e.ip6(),
                    policy.local().getOrDefault(rulesetId(e), PolicyPlanBuilder.UNKNOWN)).onPort(
                    hostIfs.getOrDefault(LocalAttachment.key(e.network(), e.id()), HostNames.veth(e.network(), e.id())),
                    Ruleset.Port.isMac(e.mac()) ? e.mac() : null));
        }

        List<Ruleset.PortMapping> ports = new ArrayList<>();
        for (LocalAttachment a : live) {
            if (!kept.contains(a.key())) {
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
        return Ruleset.of(nets, endpoints, ports).withPolicy(policy.plan());
    }

    /** Ruleset endpoint ids are unique per node, endpoint ids only per network. */
    static String rulesetId(Endpoint e) {
        String id = e.network() + ":" + e.id();
        return id.length() <= 128 ? id : e.network() + ":" + HostNames.digest(e.id(), 32);
    }
}
