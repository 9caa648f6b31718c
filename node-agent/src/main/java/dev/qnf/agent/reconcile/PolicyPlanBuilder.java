package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.nft.PolicyPlan;
import dev.qnf.agent.nft.PolicyPlan.Addresses;
import dev.qnf.agent.nft.PolicyPlan.AllEndpoints;
import dev.qnf.agent.nft.PolicyPlan.Identities;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Direction;
import dev.qnf.fabric.policy.Entity;
import dev.qnf.fabric.policy.Labels;
import dev.qnf.fabric.policy.Peer;
import dev.qnf.fabric.policy.PolicyEngine;
import dev.qnf.fabric.policy.PortRange;
import dev.qnf.fabric.policy.Rule;
import dev.qnf.fabric.policy.Verdict;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles the replicated policy model, as the agent's view holds it, into the {@link PolicyPlan} the firewall
 * enforces on this host. Pure; the meaning is {@link PolicyEngine}'s (its {@code selects} and
 * {@code endpointPeerMatches} are called here, per identity rather than per endpoint):
 * <ul>
 *   <li>only identities with an endpoint on this host get rules (egress is checked at the sender, ingress at the
 *       receiver, so the other hosts check the rest);</li>
 *   <li>a local identity is isolated for a direction when its network denies by default (no default set means
 *       deny) or a policy selecting it isolates that direction;</li>
 *   <li>peers: endpoint selectors become the set of matching identities, cluster-wide; a CIDR (with except) and the
 *       world entity become address ranges, which match only addresses that are no endpoint's; a rule without peers
 *       is every endpoint plus the world; the host entity is not on the forwarding path and compiles to
 *       nothing;</li>
 *   <li>a local endpoint whose identity the view does not have yet (the watch lags behind the ADD that created
 *       it) gets {@link #UNKNOWN}, isolated both ways with no rule: it fails closed, never open.</li>
 * </ul>
 */
final class PolicyPlanBuilder {
    /** A local endpoint whose identity is not known yet: denied everything until it is. Below 256, never allocated. */
    static final int UNKNOWN = 3;
    private static final Addresses WORLD = Addresses.of("0.0.0.0/0", "::/0");

    private PolicyPlanBuilder() {
    }

    /** The plan, and the identity of each local endpoint (by {@link RulesetBuilder#rulesetId}). */
    record Result(PolicyPlan plan, Map<String, Integer> local) {
    }

    static Result build(FabricView view, Collection<Endpoint> local) {
        FabricView.Policies model = view.policies();
        Map<String, Identity> byLabels = new HashMap<>();
        model.identities().values().forEach(i -> byLabels.put(key(i.network(), i.labels()), i));

        Map<Integer, Set<IpAddress>> addresses = new TreeMap<>();
        Map<IpAddress, Integer> taken = new HashMap<>();
        for (dev.qnf.fabric.model.Network n : view.networks()) {
            for (Endpoint e : view.endpointsOf(n.name())) {
                Identity i = byLabels.get(key(e.network(), Labels.identityLabels(e.labels())));
                if (i != null) {
                    add(addresses, taken, number(i), e);
                }
            }
        }
        Map<String, Integer> localIds = new LinkedHashMap<>();
        Map<Integer, Identity> localIdentities = new TreeMap<>();
        boolean unknown = false;
        for (Endpoint e : local) {
            Identity i = byLabels.get(key(e.network(), Labels.identityLabels(e.labels())));
            int id = i == null ? UNKNOWN : number(i);
            unknown |= i == null;
            if (i != null) {
                localIdentities.put(id, i);
            }
            localIds.put(RulesetBuilder.rulesetId(e), id);
            add(addresses, taken, id, e);
        }

        Compiled c = compiled(model, localIdentities, unknown);
        return new Result(PolicyPlan.of(addresses, c.rules, c.isolatedEgress, c.isolatedIngress), localIds);
    }

    /** The rules and isolation of a model for a set of local identities: all but the addresses. */
    private record Compiled(List<PolicyPlan.Rule> rules, Set<Integer> isolatedEgress, Set<Integer> isolatedIngress) {
    }

    /** The last compilation and what it came from: a CNI ADD of a known identity changes none of it. */
    private record Memo(FabricView.Policies model, Map<Integer, Identity> local, boolean unknown, Compiled compiled) {
        boolean sameInputs(FabricView.Policies m, Map<Integer, Identity> l, boolean u) {
            // the view shares its maps until they change, so identity is the cheap and exact test
            return model.policies() == m.policies() && model.identities() == m.identities()
                    && model.defaults() == m.defaults() && unknown == u && local.equals(l);
        }
    }

    private static volatile Memo last;

    private static Compiled compiled(FabricView.Policies model, Map<Integer, Identity> localIdentities, boolean unknown) {
        Memo memo = last;
        if (memo != null && memo.sameInputs(model, localIdentities, unknown)) {
            return memo.compiled();
        }
        Compiled c = compile(model, localIdentities, unknown);
        last = new Memo(model, Map.copyOf(localIdentities), unknown, c);
        return c;
    }

    private static Compiled compile(FabricView.Policies model, Map<Integer, Identity> localIdentities, boolean unknown) {
        Set<Integer> isolatedEgress = new TreeSet<>();
        Set<Integer> isolatedIngress = new TreeSet<>();
        if (unknown) {
            isolatedEgress.add(UNKNOWN);
            isolatedIngress.add(UNKNOWN);
        }
        List<PolicyPlan.Rule> rules = new ArrayList<>();
        Map<Identity, List<Policy>> selecting = new LinkedHashMap<>();
        localIdentities.values().forEach(i -> selecting.put(i, new ArrayList<>()));
        for (Policy p : model.policies().values()) {
            Set<Integer> selected = new TreeSet<>();
            for (Identity i : localIdentities.values()) {
                if (PolicyEngine.selects(p, i.network(), i.labels())) {
                    selected.add(number(i));
                    selecting.get(i).add(p);
                }
            }
            if (!selected.isEmpty()) {
                compile(p, selected, model.identities().values(), rules);
            }
        }
        selecting.forEach((i, policies) -> {
            boolean deny = model.defaults().getOrDefault(i.network(), Verdict.DENY) == Verdict.DENY;
            if (deny || policies.stream().anyMatch(p -> p.isolates().contains(Direction.EGRESS))) {
                isolatedEgress.add(number(i));
            }
            if (deny || policies.stream().anyMatch(p -> p.isolates().contains(Direction.INGRESS))) {
                isolatedIngress.add(number(i));
            }
        });
        return new Compiled(List.copyOf(rules), isolatedEgress, isolatedIngress);
    }

    private static void compile(Policy p, Set<Integer> selected, Collection<Identity> all, List<PolicyPlan.Rule> out) {
        for (Direction d : Direction.values()) {
            PolicyPlan.Direction direction = d == Direction.EGRESS ? PolicyPlan.Direction.EGRESS
                    : PolicyPlan.Direction.INGRESS;
            for (Rule r : p.rules(d)) {
                PolicyPlan.Verdict verdict = r.action() == Verdict.ALLOW ? PolicyPlan.Verdict.ALLOW
                        : PolicyPlan.Verdict.DENY;
                List<PolicyPlan.Peer> peers = new ArrayList<>();
                if (r.peers().isEmpty()) {
                    peers.add(AllEndpoints.INSTANCE);
                    peers.add(WORLD);
                }
                for (Peer x : r.peers()) {
                    PolicyPlan.Peer peer = peer(x, p.namespace(), all);
                    if (peer != null) {
                        peers.add(peer);
                    }
                }
                List<PortRange> ports = r.ports().isEmpty() ? List.of(PortRange.all(dev.qnf.fabric.policy.Protocol.ANY))
                        : r.ports();
                for (PolicyPlan.Peer peer : peers) {
                    for (PortRange port : ports) {
                        out.add(new PolicyPlan.Rule(direction, selected, peer,
                                PolicyPlan.Protocol.valueOf(port.protocol().name()), port.from(), port.to(), verdict,
                                p.ref()));
                    }
                }
            }
        }
    }

    /** One peer of a rule as the plan's peer; null when it matches nothing on the forwarding path. */
    private static PolicyPlan.Peer peer(Peer x, String namespace, Collection<Identity> all) {
        if (x.entity() != null) {
            return x.entity() == Entity.WORLD ? WORLD : null;
        }
        if (x.cidr() != null) {
            return new Addresses(List.of(x.cidr()), x.except());
        }
        TreeSet<Integer> ids = new TreeSet<>();
        for (Identity i : all) {
            if (PolicyEngine.endpointPeerMatches(x, namespace, i.network(), i.labels())) {
                ids.add(number(i));
            }
        }
        return ids.isEmpty() ? null : new Identities(ids);
    }

    private static void add(Map<Integer, Set<IpAddress>> addresses, Map<IpAddress, Integer> taken, int id, Endpoint e) {
        for (IpAddress a : new IpAddress[]{e.ip(), e.ip6()}) {
            if (a == null) {
                continue;
            }
            Integer other = taken.putIfAbsent(a, id);
            if (other != null && other != id) {
                // the local record (added last) may be newer than the view: it wins
                addresses.get(other).remove(a);
                taken.put(a, id);
            }
            addresses.computeIfAbsent(id, k -> new TreeSet<>()).add(a);
        }
    }

    private static int number(Identity i) {
        return (int) i.id(); // identities are below 2^32: a packet mark holds them, printed unsigned by nft
    }

    private static String key(String network, Map<String, String> identityLabels) {
        return network + "|" + Labels.canonical(identityLabels);
    }
}
