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
import dev.qnf.fabric.policy.Peer;
import dev.qnf.fabric.policy.PolicyEngine;
import dev.qnf.fabric.policy.PortRange;
import dev.qnf.fabric.policy.Rule;
import dev.qnf.fabric.policy.Verdict;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The address book of the last build: one endpoint more updates the addresses it holds, not all of them (see
     * {@link AddressBook}). Shared like the other memos here: an update is correct from any earlier book, only less
     * incremental from another agent's.
     */
    private static volatile AddressBook book = AddressBook.EMPTY;

    static Result build(FabricView view, Collection<Endpoint> local) {
        return build(view, local, true);
    }

    /** What {@link #build} computes from nothing, without reading or writing the memos (tests compare the two). */
    static Result fresh(FabricView view, Collection<Endpoint> local) {
        return build(view, local, false);
    }

    private static Result build(FabricView view, Collection<Endpoint> local, boolean memo) {
        FabricView.Policies model = view.policies();
        AddressBook b = (memo ? book : AddressBook.EMPTY).update(view, local);
        if (memo) {
            book = b;
        }
        LocalIdentities l = b.local();
        Compiled c = memo ? compiled(model, l.identities(), l.unknown())
                : compile(model, l.identities(), l.unknown(), Map.of(), new IdentityHashMap<>());
        return new Result(new PolicyPlan(identities(b), c.rules, new TreeSet<>(c.isolatedEgress),
                new TreeSet<>(c.isolatedIngress)), l.byRulesetId());
    }

    /** The book's persistent identity map as the plan's type (read-only either way). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static java.util.SortedMap<Integer, java.util.SortedSet<IpAddress>> identities(AddressBook b) {
        return (java.util.SortedMap) b.identities();
    }

    /** The rules and isolation of a model for a set of local identities: all but the addresses. */
    private record Compiled(List<PolicyPlan.Rule> rules, Set<Integer> isolatedEgress, Set<Integer> isolatedIngress) {
    }

    /**
     * The last compilation and what it came from: a CNI ADD of a known identity changes none of it. Beside the
     * per-policy {@link Parts} it skips even the pass over the policies, and it hands back the same rules list, which
     * {@code PolicyLayout} then recognises (same list: no map is rendered or compared again) without comparing rules.
     */
    private record Memo(FabricView.Policies model, Map<Integer, Identity> local, boolean unknown, Compiled compiled) {
        boolean sameInputs(FabricView.Policies m, Map<Integer, Identity> l, boolean u) {
            // the view shares its maps until they change, so identity is the cheap and exact test
            return model.policies() == m.policies() && model.identities() == m.identities()
                    && model.defaults() == m.defaults() && unknown == u && (local == l || local.equals(l));
        }
    }

    private static volatile Memo last;

    private static Compiled compiled(FabricView.Policies model, Map<Integer, Identity> localIdentities, boolean unknown) {
        Memo memo = last;
        if (memo != null && memo.sameInputs(model, localIdentities, unknown)) {
            return memo.compiled();
        }
        Parts cached = parts;
        Map<Policy, PolicyPart> reusable = cached != null && cached.identities() == model.identities()
                && (cached.local() == localIdentities || cached.local().equals(localIdentities))
                ? cached.byPolicy() : Map.of();
        Map<Policy, PolicyPart> byPolicy = new IdentityHashMap<>();
        Compiled c = compile(model, localIdentities, unknown, reusable, byPolicy);
        // LocalIdentities hands out immutable maps, the same object while the local identities are the same
        parts = new Parts(model.identities(), localIdentities, byPolicy);
        last = new Memo(model, localIdentities, unknown, c);
        return c;
    }

    /** What one policy compiles to on this host: the local identities it selects and its plan rules. */
    private record PolicyPart(Set<Integer> selected, List<PolicyPlan.Rule> rules) {
    }

    /**
     * Each policy's part, by the policy object, valid for one set of identities and local identities: a changed
     * policy is a new object in the view, so a policy change recompiles that policy alone, not all of them (peer
     * selectors are matched against every identity of the cluster, which is what costs).
     */
    private record Parts(Object identities, Map<Integer, Identity> local, Map<Policy, PolicyPart> byPolicy) {
    }

    private static volatile Parts parts;

    /** Compiles every policy, taking the parts of {@code reusable}; {@code byPolicy} receives every part. */
    private static Compiled compile(FabricView.Policies model, Map<Integer, Identity> localIdentities, boolean unknown,
                                    Map<Policy, PolicyPart> reusable, Map<Policy, PolicyPart> byPolicy) {
        Set<Integer> isolatedEgress = new TreeSet<>();
        Set<Integer> isolatedIngress = new TreeSet<>();
        if (unknown) {
            isolatedEgress.add(UNKNOWN);
            isolatedIngress.add(UNKNOWN);
        }
        List<PolicyPlan.Rule> rules = new ArrayList<>();
        Map<Integer, Set<Direction>> isolatedBy = new HashMap<>();
        for (Policy p : model.policies().values()) {
            PolicyPart part = reusable.get(p);
            if (part == null) {
                part = part(p, localIdentities, model.identities().values());
            }
            byPolicy.put(p, part);
            rules.addAll(part.rules());
            for (int id : part.selected()) {
                isolatedBy.computeIfAbsent(id, k -> EnumSet.noneOf(Direction.class)).addAll(p.isolates());
            }
        }
        localIdentities.forEach((id, i) -> {
            boolean deny = model.defaults().getOrDefault(i.network(), Verdict.DENY) == Verdict.DENY;
            Set<Direction> isolates = isolatedBy.getOrDefault(id, Set.of());
            if (deny || isolates.contains(Direction.EGRESS)) {
                isolatedEgress.add(id);
            }
            if (deny || isolates.contains(Direction.INGRESS)) {
                isolatedIngress.add(id);
            }
        });
        return new Compiled(List.copyOf(rules), isolatedEgress, isolatedIngress);
    }

    private static PolicyPart part(Policy p, Map<Integer, Identity> localIdentities, Collection<Identity> all) {
        Set<Integer> selected = new TreeSet<>();
        for (Identity i : localIdentities.values()) {
            if (PolicyEngine.selects(p, i.network(), i.labels())) {
                selected.add(number(i));
            }
        }
        List<PolicyPlan.Rule> rules = new ArrayList<>();
        if (!selected.isEmpty()) {
            compile(p, selected, all, rules);
        }
        return new PolicyPart(Set.copyOf(selected), List.copyOf(rules));
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

    static int number(Identity i) {
        return (int) i.id(); // identities are below 2^32: a packet mark holds them, printed unsigned by nft
    }
}
