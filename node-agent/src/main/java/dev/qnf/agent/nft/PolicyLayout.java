package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Boxes.Box;
import dev.qnf.agent.nft.Layout.Chain;
import dev.qnf.agent.nft.Layout.NftSet;
import dev.qnf.agent.nft.PolicyPlan.Addresses;
import dev.qnf.agent.nft.PolicyPlan.AllEndpoints;
import dev.qnf.agent.nft.PolicyPlan.Direction;
import dev.qnf.agent.nft.PolicyPlan.Identities;
import dev.qnf.agent.nft.PolicyPlan.Protocol;
import dev.qnf.agent.nft.PolicyPlan.Rule;
import dev.qnf.agent.nft.PolicyPlan.Verdict;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The policy part of {@code inet qnf}: a {@link PolicyPlan} as chains, verdict maps and named counters. See
 * docs/policy-enforcement.md. The shape never depends on the plan except for one chain and one counter per policy
 * verdict and direction in use, so an endpoint or a rule more is a change of map elements only, and a new policy adds
 * its chains and counters next to them.
 *
 * <p>The lookup: the first packet of a connection gets its source identity in the packet mark and its destination
 * identity in the connection mark (0: outside the fabric), then, for a sender on this host, the egress maps, and for
 * a receiver on this host, the ingress maps are consulted, deny maps before allow maps. The keys are
 * {@code identity . identity . protocol . port} or, for traffic outside the fabric, an address range in place of
 * one identity, consulted only when the peer has no identity (0): the number of elements grows with rules and the identities they select, never with endpoints
 * squared.
 */
final class PolicyLayout {
    static final String POLICY = "pol";
    static final String DEFAULT_DENY = "default-deny-";
    /** The largest packet mark: "every endpoint" is the identity range 1-MAX_IDENTITY. */
    static final long MAX_IDENTITY = 0xffff_ffffL;

    private PolicyLayout() {
    }

    /** The chains of the lookup and of every policy; the per-network chains go to {@link #POLICY}. */
    static void chains(PolicyPlan plan, Map<String, Chain> chains) {
        chains.put(POLICY, new Chain(POLICY, null, List.of(
                "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept"
                        + " comment \"IPv6 neighbour discovery, which conntrack does not track\"",
                "meta mark set 0 ct mark set 0 comment \"identity 0: outside the fabric\"",
                "meta mark set ip saddr map @ident4",
                "meta mark set ip6 saddr map @ident6",
                "ct mark set ip daddr map @ident4",
                "ct mark set ip6 daddr map @ident6",
                "ip saddr @ep4 jump pol-out comment \"sent from this host: egress policy\"",
                "ip6 saddr @ep6 jump pol-out",
                "ip daddr @ep4 jump pol-in comment \"received on this host: ingress policy\"",
                "ip6 daddr @ep6 jump pol-in",
                "accept")));
        for (Direction d : Direction.values()) {
            String mine = d == Direction.EGRESS ? "meta mark" : "ct mark";
            List<String> rules = new ArrayList<>();
            for (Verdict v : List.of(Verdict.DENY, Verdict.ALLOW)) {
                String m = mapName(d, v);
                rules.add("meta mark . ct mark . meta l4proto . th dport vmap @" + m);
                if (d == Direction.EGRESS) {
                    rules.add("ct mark 0 meta mark . ip daddr . meta l4proto . th dport vmap @" + m + "4");
                    rules.add("ct mark 0 meta mark . ip6 daddr . meta l4proto . th dport vmap @" + m + "6");
                } else {
                    rules.add("meta mark 0 ip saddr . ct mark . meta l4proto . th dport vmap @" + m + "4");
                    rules.add("meta mark 0 ip6 saddr . ct mark . meta l4proto . th dport vmap @" + m + "6");
                }
            }
            rules.add(mine + " @isolated-" + d.nft + " counter name \"" + DEFAULT_DENY + d.nft + "\" drop");
            chains.put(POLICY + "-" + d.nft, new Chain(POLICY + "-" + d.nft, null, List.copyOf(rules)));
        }
        for (Rule r : plan.rules()) {
            String name = counter(r.policy(), r.direction(), r.verdict());
            chains.putIfAbsent(name, new Chain(name, null, List.of("counter name \"" + name + "\""
                    + (r.verdict() == Verdict.DENY ? " drop" : ""))));
        }
    }

    /** The named counters: one per policy, direction and verdict that some rule has, and the default denies. */
    static Set<String> counters(PolicyPlan plan) {
        Set<String> out = new java.util.TreeSet<>();
        for (Direction d : Direction.values()) {
            out.add(DEFAULT_DENY + d.nft);
        }
        plan.rules().forEach(r -> out.add(counter(r.policy(), r.direction(), r.verdict())));
        return out;
    }

    /** "allow-in-web", "deny-out-ns/db": the counter (and chain) of a policy's verdicts in one direction. */
    static String counter(String policy, Direction d, Verdict v) {
        return v.nft() + "-" + d.nft + "-" + PolicyPlan.key(policy);
    }

    /**
     * The verdict maps and isolation sets of a plan. Rendered whole when {@code before} (the table the previous plan
     * was rendered into) is null; else derived from it: the elements of a map are the union of one group per
     * selected identity (every key starts with, or for ingress has second, that identity), a group depends only on
     * the rules selecting its identity, in order, so only the groups whose rules changed are rendered again and
     * replace their old elements ({@link Elements}). One rule changed is the group of each identity it selects.
     */
    static void sets(PolicyPlan plan, Map<String, NftSet> sets, PolicyPlan previous, Layout.Table before) {
        boolean derive = previous != null && before != null;
        boolean sameRules = derive && (previous.rules() == plan.rules() || previous.rules().equals(plan.rules()));
        Map<GroupKey, Map<String, String>> rendered = new HashMap<>();
        for (Direction d : Direction.values()) {
            for (Verdict v : List.of(Verdict.DENY, Verdict.ALLOW)) {
                String m = mapName(d, v);
                List<Rule> rules = plan.rules().stream().filter(r -> r.direction() == d && r.verdict() == v).toList();
                List<Rule> old = !derive || sameRules ? rules : previous.rules().stream()
                        .filter(r -> r.direction() == d && r.verdict() == v).toList();
                for (int family : new int[]{0, 4, 6}) {
                    String name = family == 0 ? m : m + family;
                    String addr = family == 4 ? "ipv4_addr" : "ipv6_addr";
                    String type = family == 0 ? "mark . mark . inet_proto . inet_service"
                            : d == Direction.EGRESS ? "mark . " + addr + " . inet_proto . inet_service"
                            : addr + " . mark . inet_proto . inet_service";
                    Map<Integer, List<Rule>> groups = groups(rules, family);
                    Map<String, String> elements;
                    if (!derive) {
                        elements = new LinkedHashMap<>();
                        for (Map.Entry<Integer, List<Rule>> g : groups.entrySet()) {
                            elements.putAll(group(new GroupKey(name, d, family, g.getKey(), g.getValue()), rendered));
                        }
                    } else {
                        Map<String, String> was = before.sets().get(name).elements();
                        elements = sameRules ? was
                                : changed(name, d, family, groups(old, family), groups, was, rendered);
                    }
                    put(sets, new NftSet(name, type, "verdict", Set.of("interval"), elements));
                }
            }
            Map<String, String> isolated = new LinkedHashMap<>();
            (d == Direction.EGRESS ? plan.isolatedEgress() : plan.isolatedIngress())
                    .forEach(id -> isolated.put(Integer.toString(id), ""));
            put(sets, new NftSet("isolated-" + d.nft, "mark", null, Set.of(), isolated));
        }
        groupMemo = rendered;
    }

    /** One group of a map: the map, the selected identity, the rules selecting it (in plan order). */
    private record GroupKey(String map, Direction direction, int family, int mine, List<Rule> rules) {
    }

    /**
     * The groups rendered last time: a rule change renders the groups of the identities it selects; the others,
     * and the old version of the changed ones (to know which elements to delete), come from here.
     */
    private static volatile Map<GroupKey, Map<String, String>> groupMemo = Map.of();

    /** Rules by selected identity, for one map (family 0: identity peers; 4/6: address peers of that family). */
    private static Map<Integer, List<Rule>> groups(List<Rule> rules, int family) {
        Map<Integer, List<Rule>> out = new TreeMap<>();
        for (Rule r : rules) {
            boolean identities = r.peer() instanceof Identities || r.peer() instanceof AllEndpoints;
            if (family == 0 ? !identities : !(r.peer() instanceof Addresses a) || ranges(a, family).isEmpty()) {
                continue;
            }
            for (int mine : r.selected()) {
                out.computeIfAbsent(mine, k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    private static Map<String, String> group(GroupKey key, Map<GroupKey, Map<String, String>> rendered) {
        Map<String, String> out = rendered.get(key);
        if (out == null) {
            out = groupMemo.get(key);
            if (out == null) {
                out = key.family() == 0 ? identityElements(key.mine(), key.rules())
                        : addressElements(key.mine(), key.rules(), key.direction(), key.family());
            }
            rendered.put(key, out);
        }
        return out;
    }

    /** The elements of {@code was} with the groups that differ between {@code old} and {@code now} replaced. */
    private static Map<String, String> changed(String name, Direction d, int family, Map<Integer, List<Rule>> old,
                                               Map<Integer, List<Rule>> now, Map<String, String> was,
                                               Map<GroupKey, Map<String, String>> rendered) {
        Map<String, String> changes = new LinkedHashMap<>();
        Set<Integer> mine = new java.util.TreeSet<>(old.keySet());
        mine.addAll(now.keySet());
        for (int id : mine) {
            List<Rule> o = old.get(id);
            List<Rule> n = now.get(id);
            if (Objects.equals(o, n)) {
                continue;
            }
            if (o != null) {
                group(new GroupKey(name, d, family, id, o), rendered).keySet().forEach(k -> changes.put(k, null));
            }
            if (n != null) {
                changes.putAll(group(new GroupKey(name, d, family, id, n), rendered));
            }
        }
        return changes.isEmpty() ? was : Elements.derive(was, changes);
    }

    static String mapName(Direction d, Verdict v) {
        return d.nft + "-" + v.nft();
    }

    /**
     * The rules of one selected identity between identities: key source . destination . protocol . port (the peer
     * may be a range, every endpoint: 1-4294967295), pieces cut across the three other fields; where rules overlap
     * the first keeps the piece.
     */
    private static Map<String, String> identityElements(int mine, List<Rule> rules) {
        List<Box> boxes = new ArrayList<>();
        for (int owner = 0; owner < rules.size(); owner++) {
            Rule r = rules.get(owner);
            List<long[]> peers = r.peer() instanceof Identities ids
                    ? ids.ids().stream().map(i -> new long[]{i, i}).toList()
                    : List.of(new long[]{1, MAX_IDENTITY});
            for (long[] other : peers) {
                for (long[] proto : protocols(r.protocol(), 0)) {
                    boxes.add(Box.of(owner, other[0], other[1], proto[0], proto[1], r.portFrom(), r.portTo()));
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean egress = rules.get(0).direction() == Direction.EGRESS;
        String self = markRange(mine, mine);
        for (Box b : Boxes.disjoint(boxes)) {
            String other = markRange(b.lo().get(0).longValue(), b.hi().get(0).longValue());
            String rest = range(b, 1) + " . " + range(b, 2);
            out.put(egress ? self + " . " + other + " . " + rest : other + " . " + self + " . " + rest,
                    target(rules.get(b.owner())));
        }
        return out;
    }

    /**
     * The rules of one selected identity to or from addresses: key identity . address range . protocol . port
     * (egress; ingress swaps the first two).
     */
    private static Map<String, String> addressElements(int mine, List<Rule> rules, Direction direction, int family) {
        List<Box> boxes = new ArrayList<>();
        for (int owner = 0; owner < rules.size(); owner++) {
            Rule r = rules.get(owner);
            for (BigInteger[] range : ranges((Addresses) r.peer(), family)) {
                for (long[] proto : protocols(r.protocol(), family)) {
                    boxes.add(new Box(
                            List.of(range[0], BigInteger.valueOf(proto[0]), BigInteger.valueOf(r.portFrom())),
                            List.of(range[1], BigInteger.valueOf(proto[1]), BigInteger.valueOf(r.portTo())), owner));
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean egress = direction == Direction.EGRESS;
        String self = markRange(mine, mine);
        for (Box b : Boxes.disjoint(boxes)) {
            String addr = address(b.lo().get(0), b.hi().get(0), family);
            String rest = range(b, 1) + " . " + range(b, 2);
            out.put(egress ? self + " . " + addr + " . " + rest : addr + " . " + self + " . " + rest,
                    target(rules.get(b.owner())));
        }
        return out;
    }

    private static String target(Rule r) {
        return "goto " + counter(r.policy(), r.direction(), r.verdict());
    }

    /** Protocol ranges for {@code meta l4proto}; family 0: both (the identity maps serve IPv4 and IPv6). */
    private static List<long[]> protocols(Protocol p, int family) {
        return switch (p) {
            case ANY -> List.of(new long[]{0, 255});
            case TCP -> List.of(new long[]{6, 6});
            case UDP -> List.of(new long[]{17, 17});
            case SCTP -> List.of(new long[]{132, 132});
            case ICMP -> family == 4 ? List.of(new long[]{1, 1}) : family == 6 ? List.of(new long[]{58, 58})
                    : List.of(new long[]{1, 1}, new long[]{58, 58});
        };
    }

    /** The include prefixes of one family minus the excepted ones, as inclusive ranges. */
    static List<BigInteger[]> ranges(Addresses peer, int family) {
        List<BigInteger[]> out = new ArrayList<>();
        for (Cidr c : peer.include()) {
            if (c.family() != family) {
                continue;
            }
            List<BigInteger[]> pieces = new ArrayList<>();
            pieces.add(new BigInteger[]{c.base().value(), c.last().value()});
            for (Cidr x : peer.except()) {
                if (x.family() != family) {
                    continue;
                }
                BigInteger xl = x.base().value();
                BigInteger xh = x.last().value();
                List<BigInteger[]> next = new ArrayList<>();
                for (BigInteger[] p : pieces) {
                    if (xh.compareTo(p[0]) < 0 || xl.compareTo(p[1]) > 0) {
                        next.add(p);
                        continue;
                    }
                    if (xl.compareTo(p[0]) > 0) {
                        next.add(new BigInteger[]{p[0], xl.subtract(BigInteger.ONE)});
                    }
                    if (xh.compareTo(p[1]) < 0) {
                        next.add(new BigInteger[]{xh.add(BigInteger.ONE), p[1]});
                    }
                }
                pieces = next;
            }
            out.addAll(pieces);
        }
        return out;
    }

    /**
     * An identity field, always as a range ("7-7"): nft 1.0.6 cannot delete an element of an interval map whose mark
     * fields are single values ("7 . 8 . 6 . 80": ENOENT), though it adds it; written as ranges it deletes it.
     */
    private static String markRange(long lo, long hi) {
        return lo + "-" + hi;
    }

    private static String range(Box b, int dim) {
        BigInteger lo = b.lo().get(dim);
        BigInteger hi = b.hi().get(dim);
        return lo.equals(hi) ? lo.toString() : lo + "-" + hi;
    }

    /** A prefix when the range is one, else "first-last". */
    private static String address(BigInteger lo, BigInteger hi, int family) {
        IpAddress first = IpAddress.of(family, lo);
        if (lo.equals(hi)) {
            return first.toString();
        }
        BigInteger size = hi.subtract(lo).add(BigInteger.ONE);
        int bits = family == 4 ? 32 : 128;
        if (size.bitCount() == 1 && lo.mod(size).signum() == 0) {
            return first + "/" + (bits - (size.bitLength() - 1));
        }
        return first + "-" + IpAddress.of(family, hi);
    }

    private static void put(Map<String, NftSet> sets, NftSet set) {
        sets.put(set.name(), set);
    }
}
