package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Layout.Chain;
import dev.qnf.agent.nft.Layout.Hook;
import dev.qnf.agent.nft.Layout.NftSet;
import dev.qnf.agent.nft.Layout.Table;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders a {@link Ruleset} as nft scripts, each meant to run as one transaction. See docs/nftables.md for the
 * layout. Three kinds of script:
 * <ul>
 *   <li>{@link #full}: creates the QNF tables if missing, flushes them and writes everything;</li>
 *   <li>{@link #diff}: from one desired state to the next, adding and deleting only the set and map elements and
 *       the per-network chains that changed (one endpoint more is a few {@code add element} lines);</li>
 *   <li>{@link #adopt}: {@link #full}, after deleting QNF tables that no longer belong or whose layout differs,
 *       and followed by deleting the chains and sets found in the kernel that the desired state does not have.</li>
 * </ul>
 * Every command names one of {@link #TABLES}; nothing here can touch another table.
 */
public final class RulesetCompiler {
    /** Names of WireGuard mesh interfaces start with this (see docs/mesh.md); their traffic is network traffic. */
    public static final String MESH_IFNAME_PREFIX = "qwg";

    public static final String FILTER = "inet qnf";
    public static final String NAT4 = "ip qnf-nat";
    public static final String NAT6 = "ip6 qnf-nat";
    /** Anti-spoofing per bridge port ({@link PortGuard}); exists while some endpoint has a known port. */
    public static final String BRIDGE = PortGuard.TABLE;
    /** The only tables QNF creates, changes or deletes. */
    public static final List<String> TABLES = List.of(FILTER, NAT4, NAT6, BRIDGE);

    static final String HAIRPIN = "hairpin: a published port reached from its own network";

    private RulesetCompiler() {
    }

    /** What {@link #adopt} does: the script, and the stale objects it deletes, for the log. */
    public record Adoption(String script, List<String> removed) {
    }

    public static String full(Ruleset desired) {
        Script s = new Script();
        layout(desired).values().forEach(t -> create(s, t));
        return s.toString();
    }

    /** The script from {@code from} to {@code to}; empty when nothing changes. */
    public static String diff(Ruleset from, Ruleset to) {
        return diff(layout(from), layout(to));
    }

    /** {@link #diff} between rendered layouts (the firewall keeps the last applied one: one rendering per change). */
    static String diff(Map<String, Table> before, Map<String, Table> after) {
        Script s = new Script();
        for (Table t : after.values()) {
            Table old = before.get(t.id());
            if (old == null) {
                create(s, t);
            } else {
                change(s, old, t);
            }
        }
        for (String id : before.keySet()) {
            if (!after.containsKey(id)) {
                s.add("delete table " + id);
            }
        }
        return s.toString();
    }

    public static Adoption adopt(ObservedTables observed, Ruleset desired) {
        return adopt(observed, layout(desired));
    }

    /** {@link #adopt} of a rendered layout (the firewall keeps it to derive the next one from). */
    static Adoption adopt(ObservedTables observed, Map<String, Table> wanted) {
        Script s = new Script();
        List<String> removed = new ArrayList<>();
        List<Table> kept = new ArrayList<>();
        for (String id : observed.tables()) {
            Table found = observed.table(id);
            Table want = wanted.get(id);
            if (want == null) {
                s.add("delete table " + id);
                removed.add("table " + id);
            } else if (!compatible(found, want) || observed.hasUnmanagedObjects(id)) {
                s.add("delete table " + id);
                removed.add("table " + id + " (layout differs; recreated)");
            } else {
                kept.add(found);
            }
        }
        wanted.values().forEach(t -> create(s, t));
        // "flush table" in create() emptied every chain and the desired sets, so nothing refers to the stale
        // objects any more but stale maps' own elements: delete sets before chains.
        for (Table found : kept) {
            Table want = wanted.get(found.id());
            for (NftSet set : found.sets().values()) {
                if (!want.sets().containsKey(set.name())) {
                    s.add("delete " + set.kind() + " " + found.id() + " " + set.name());
                    removed.add(set.kind() + " " + found.id() + " " + set.name());
                }
            }
            for (Chain c : found.chains().values()) {
                if (!want.chains().containsKey(c.name())) {
                    s.add("delete chain " + found.id() + " " + c.name());
                    removed.add("chain " + found.id() + " " + c.name());
                }
            }
            for (String c : found.counters()) {
                if (!want.counters().contains(c)) {
                    s.add("delete counter " + found.id() + " " + c);
                    removed.add("counter " + found.id() + " " + c);
                }
            }
        }
        return new Adoption(s.toString(), List.copyOf(removed));
    }

    private static boolean compatible(Table found, Table want) {
        for (Chain c : found.chains().values()) {
            Chain w = want.chains().get(c.name());
            if (w != null && (c.hook() == null ? w.hook() != null : !c.hook().sameAs(w.hook()))) {
                return false;
            }
        }
        for (NftSet set : found.sets().values()) {
            NftSet w = want.sets().get(set.name());
            if (w != null && !set.sameSpec(w)) {
                return false;
            }
        }
        return true;
    }

    // ---- scripts ----

    /** Creates or rewrites a whole table: idempotent, whatever the table held before. */
    private static void create(Script s, Table t) {
        s.add("add table " + t.id() + " { comment \"managed by qnf; edits are overwritten\"; }");
        s.add("flush table " + t.id());
        // Chains before sets: nft 1.0.6 fails to add a verdict map element jumping to a chain declared after the map.
        t.chains().values().forEach(c -> declare(s, t, c));
        t.counters().forEach(c -> s.add("add counter " + t.id() + " " + c));
        t.sets().values().forEach(set -> s.add("add " + set.kind() + " " + t.id() + " " + set.name() + " " + set.spec()));
        // "flush table" leaves set elements alone.
        t.sets().values().forEach(set -> s.add("flush " + set.kind() + " " + t.id() + " " + set.name()));
        t.chains().values().forEach(c -> rules(s, t, c));
        t.sets().values().forEach(set -> addElements(s, t, set, set.elements()));
    }

    private static void change(Script s, Table old, Table t) {
        for (Chain c : t.chains().values()) {
            if (!old.chains().containsKey(c.name())) {
                declare(s, t, c);
            }
        }
        t.counters().stream().filter(c -> !old.counters().contains(c))
                .forEach(c -> s.add("add counter " + t.id() + " " + c));
        for (NftSet set : t.sets().values()) {
            if (!old.sets().containsKey(set.name())) {
                s.add("add " + set.kind() + " " + t.id() + " " + set.name() + " " + set.spec());
            }
        }
        for (NftSet set : t.sets().values()) {
            NftSet was = old.sets().get(set.name());
            if (was != null) {
                Map<String, String> delta = changes(was, set);
                List<String> gone = (delta != null ? delta.keySet() : was.elements().keySet()).stream()
                        .filter(k -> was.elements().containsKey(k)
                                && !Objects.equals(was.elements().get(k), set.elements().get(k))).toList();
                deleteElements(s, t, set, gone);
            }
        }
        for (Chain c : t.chains().values()) {
            Chain was = old.chains().get(c.name());
            if (was == null) {
                rules(s, t, c);
            } else if (!was.equals(c)) {
                if (!Objects.equals(was.hook(), c.hook())) {
                    declare(s, t, c);
                }
                s.add("flush chain " + t.id() + " " + c.name());
                rules(s, t, c);
            }
        }
        for (NftSet set : t.sets().values()) {
            NftSet was = old.sets().get(set.name());
            Map<String, String> delta = was == null ? null : changes(was, set);
            Map<String, String> added = new LinkedHashMap<>(delta != null ? delta : set.elements());
            if (was != null) {
                added.entrySet().removeIf(e -> e.getValue() == null
                        || e.getValue().equals(was.elements().get(e.getKey())));
            }
            addElements(s, t, set, added);
        }
        List<Chain> staleChains = old.chains().values().stream().filter(c -> !t.chains().containsKey(c.name())).toList();
        staleChains.forEach(c -> s.add("flush chain " + t.id() + " " + c.name()));
        old.sets().values().stream().filter(set -> !t.sets().containsKey(set.name()))
                .forEach(set -> s.add("delete " + set.kind() + " " + t.id() + " " + set.name()));
        staleChains.forEach(c -> s.add("delete chain " + t.id() + " " + c.name()));
        old.counters().stream().filter(c -> !t.counters().contains(c))
                .forEach(c -> s.add("delete counter " + t.id() + " " + c));
    }

    /**
     * What changed between two versions of a set, as key → new value (null: gone), when that is known without
     * comparing them: nothing when the elements are the same object, the recorded changes when the new elements were
     * derived from the old ones ({@link Elements}); null when the elements must be compared.
     */
    private static Map<String, String> changes(NftSet was, NftSet set) {
        if (was.elements() == set.elements()) {
            return Map.of();
        }
        return set.elements() instanceof Elements e ? e.changesFrom(was.elements()) : null;
    }

    private static void declare(Script s, Table t, Chain c) {
        s.add("add chain " + t.id() + " " + c.name() + (c.hook() == null ? "" : " " + c.hook().render()));
    }

    private static void rules(Script s, Table t, Chain c) {
        c.rules().forEach(r -> s.add("add rule " + t.id() + " " + c.name() + " " + r));
    }

    private static void addElements(Script s, Table t, NftSet set, Map<String, String> elements) {
        if (!elements.isEmpty()) {
            List<String> items = new ArrayList<>();
            elements.forEach((k, v) -> items.add(v.isEmpty() ? k : k + " : " + v));
            s.add("add element " + t.id() + " " + set.name() + " { " + String.join(", ", items) + " }");
        }
    }

    private static void deleteElements(Script s, Table t, NftSet set, Collection<String> keys) {
        if (!keys.isEmpty()) {
            s.add("delete element " + t.id() + " " + set.name() + " { " + String.join(", ", keys) + " }");
        }
    }

    private static final class Script {
        private final StringBuilder text = new StringBuilder();

        void add(String command) {
            text.append(command).append('\n');
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    // ---- the layout ----

    static Map<String, Table> layout(Ruleset r) {
        return layout(r, null, null);
    }

    /**
     * {@link #layout} of {@code r}, derived from the layout of {@code previous} (null: rendered whole): the sets
     * keyed by endpoint address ({@code ep}, {@code src}, {@code ident}, {@code net-*}) change by the endpoints and
     * identities that changed (see {@link #addressSets}), and {@link #diff} writes those changes without comparing
     * the rest of their elements. Equal to {@code layout(r)} (checked by {@code IncrementalLayoutTest}).
     */
    static Map<String, Table> layout(Ruleset r, Ruleset previous, Map<String, Table> previousLayout) {
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put(FILTER, filterTable(r, previous, previousLayout == null ? null : previousLayout.get(FILTER)));
        tables.put(NAT4, natTable(r, 4));
        if (r.dualStack()) {
            tables.put(NAT6, natTable(r, 6));
        }
        if (PortGuard.needed(r)) {
            tables.put(BRIDGE, PortGuard.table(r, previous, previousLayout == null ? null : previousLayout.get(BRIDGE)));
        }
        return tables;
    }

    /**
     * The layout with the elements of its big sets held as persistent maps ({@link Elements}), so that the first
     * change derived from it does not copy them: what the firewall keeps after an adoption.
     */
    static Map<String, Table> persistent(Map<String, Table> layout) {
        Map<String, Table> out = new LinkedHashMap<>();
        layout.forEach((id, t) -> {
            Map<String, NftSet> sets = new LinkedHashMap<>();
            t.sets().forEach((name, set) -> sets.put(name, set.elements().size() < 64 ? set : new NftSet(name,
                    set.keyType(), set.dataType(), set.flags(), Elements.derive(set.elements(), Map.of()),
                    set.typeOf())));
            out.put(id, new Table(t.id(), t.chains(), sets, t.counters()));
        });
        return out;
    }

    private static Table filterTable(Ruleset r, Ruleset previous, Table before) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        List<String> forward = new ArrayList<>(List.of(
                "iifname != @bridges oifname != @bridges accept comment \"not QNF traffic\"",
                "ct state established,related accept",
                "ct state invalid drop",
                "iifname @bridges iifname . ip saddr != @src4 drop comment \"anti-spoofing: a container sends from its own addresses only\"",
                "iifname @bridges ip6 saddr != { ::, fe80::/10 } iifname . ip6 saddr != @src6 drop",
                "iifname . oifname vmap @intra comment \"within a network: its policy chain\""));
        forward.addAll(meshRules());
        forward.addAll(List.of(
                "oifname @bridges ct status dnat goto pol comment \"published ports\"",
                "iifname @bridges oifname @bridges drop comment \"networks are isolated\"",
                "iifname @egress goto pol comment \"NAT networks reach the outside\"",
                "drop comment \"anything else to or from a QNF network\""));
        chains.put("forward", new Chain("forward", new Hook("filter", "forward", "filter - 5", -5), List.copyOf(forward)));
        for (Network n : r.networks().values()) {
            chains.put(netChain(n), new Chain(netChain(n), null, List.of("goto " + PolicyLayout.POLICY)));
        }
        PolicyLayout.chains(r.policy(), chains);
        Map<String, NftSet> sets = new LinkedHashMap<>();
        Map<String, String> bridges = new LinkedHashMap<>();
        Map<String, String> egress = new LinkedHashMap<>();
        Map<String, String> intra = new LinkedHashMap<>();
        for (Network n : r.networks().values()) {
            bridges.put(quote(n.bridge()), "");
            if (n.nat()) {
                egress.put(quote(n.bridge()), "");
            }
            intra.put(quote(n.bridge()) + " . " + quote(n.bridge()), "goto " + netChain(n));
        }
        put(sets, new NftSet("bridges", "ifname", null, Set.of(), bridges));
        put(sets, new NftSet("egress", "ifname", null, Set.of(), egress));
        put(sets, new NftSet("intra", "ifname . ifname", "verdict", Set.of(), intra));
        for (int family : new int[]{4, 6}) {
            Map<String, String> mesh = new LinkedHashMap<>();
            for (Network n : r.networks().values()) {
                if (n.cidr(family) != null) {
                    mesh.put(quote(n.bridge()) + " . " + n.cidr(family), "goto " + netChain(n));
                }
            }
            put(sets, new NftSet("mesh" + family, "ifname . " + addrType(family), "verdict", Set.of("interval"), mesh));
        }
        sets.putAll(previous != null && before != null && previous.networks().equals(r.networks())
                ? addressSets(previous, before, r) : addressSets(r));
        PolicyLayout.sets(r.policy(), sets, previous == null ? null : previous.policy(), before);
        return new Table(FILTER, chains, sets, PolicyLayout.counters(r.policy()));
    }

    /**
     * The sets keyed by endpoint address, rendered whole: per family {@code ep} (local endpoints), {@code src}
     * (bridge . address, what a bridge may send from), {@code ident} (address → identity, every endpoint of the
     * fabric), then per network and family {@code net}.
     */
    private static Map<String, NftSet> addressSets(Ruleset r) {
        Map<String, NftSet> sets = new LinkedHashMap<>();
        Map<IpAddress, Integer> known = r.policy().addressIdentities();
        for (int family : new int[]{4, 6}) {
            List<Endpoint> eps = sortedBy(r.endpoints().values(), family);
            Map<String, String> all = new LinkedHashMap<>();
            Map<IpAddress, Integer> byAddress = new TreeMap<>();
            known.forEach((a, id) -> {
                if (a.family() == family) {
                    byAddress.put(a, id);
                }
            });
            eps.forEach(ep -> {
                all.put(ep.ip(family).toString(), "");
                byAddress.put(ep.ip(family), identity(byAddress.get(ep.ip(family)), ep));
            });
            Map<String, String> identities = new LinkedHashMap<>();
            byAddress.forEach((a, id) -> {
                if (id != null) {
                    identities.put(a.toString(), identityElement(id));
                }
            });
            put(sets, new NftSet("ep" + family, addrType(family), null, Set.of(), all));
            put(sets, new NftSet("src" + family, "ifname . " + addrType(family), null, Set.of(), sources(r, eps, family)));
            put(sets, new NftSet("ident" + family, addrType(family), "mark", Set.of(), identities));
        }
        for (Network n : r.networks().values()) {
            for (int family : new int[]{4, 6}) {
                Map<String, String> members = new LinkedHashMap<>();
                sortedBy(r.endpoints().values(), family).stream().filter(ep -> ep.network().equals(n.name()))
                        .forEach(ep -> members.put(ep.ip(family).toString(), ""));
                put(sets, new NftSet(netSet(n, family), addrType(family), null, Set.of(), members));
            }
        }
        return sets;
    }

    /**
     * The same sets as {@link #addressSets(Ruleset)} for {@code r}, derived from those of {@code previous} (same
     * networks) by what changed: the local endpoints that differ, and the addresses of the identities whose address
     * set is another object (the agent's address book shares the sets of identities that did not change, so this is
     * one reference comparison per identity). Only those addresses are decided again, by the same {@link #identity}.
     */
    private static Map<String, NftSet> addressSets(Ruleset previous, Table before, Ruleset r) {
        Ruleset.EndpointChanges changed = r.endpointChangesFrom(previous);
        List<Endpoint> gone = changed.gone();
        List<Endpoint> came = changed.came();
        Set<IpAddress> affected = new java.util.HashSet<>();
        for (Endpoint ep : gone) {
            ep.addresses().forEach(affected::add);
        }
        for (Endpoint ep : came) {
            ep.addresses().forEach(affected::add);
        }
        Map<Integer, java.util.SortedSet<IpAddress>> was = previous.policy().identities();
        Map<Integer, java.util.SortedSet<IpAddress>> now = r.policy().identities();
        Map<IpAddress, Integer> planned = new java.util.HashMap<>(); // address → identity, of the changed sets
        now.forEach((id, addresses) -> {
            java.util.SortedSet<IpAddress> old = was.get(id);
            if (old != addresses && !addresses.equals(old)) {
                affected.addAll(addresses);
                addresses.forEach(a -> planned.put(a, id));
                if (old != null) {
                    affected.addAll(old);
                }
            }
        });
        was.forEach((id, addresses) -> {
            if (!now.containsKey(id)) {
                affected.addAll(addresses);
            }
        });
        // an address outside the changed sets is in an unchanged set or in none: look it up there (few of them;
        // past a few hundred one index of the whole plan is cheaper)
        Map<IpAddress, Integer> index = affected.size() > 256 ? r.policy().addressIdentities() : null;

        Map<String, NftSet> sets = new LinkedHashMap<>();
        for (int family : new int[]{4, 6}) {
            Map<String, String> ep = new LinkedHashMap<>();
            Map<String, String> src = new LinkedHashMap<>();
            for (List<Endpoint> side : List.of(gone, came)) {
                boolean add = side == came;
                for (Endpoint e : side) {
                    if (e.ip(family) != null) {
                        ep.put(e.ip(family).toString(), add ? "" : null);
                        src.put(source(r.networks().get(e.network()), e, family), add ? "" : null);
                    }
                }
            }
            Map<String, String> ident = new LinkedHashMap<>();
            for (IpAddress a : affected) {
                if (a.family() == family) {
                    Integer plan = planned.containsKey(a) ? planned.get(a)
                            : index != null ? index.get(a) : holder(now, a);
                    Integer id = identity(plan, r.holderOf(a));
                    ident.put(a.toString(), id == null ? null : identityElement(id));
                }
            }
            derive(sets, before, "ep" + family, ep);
            derive(sets, before, "src" + family, src);
            derive(sets, before, "ident" + family, ident);
        }
        for (Network n : r.networks().values()) {
            for (int family : new int[]{4, 6}) {
                Map<String, String> members = new LinkedHashMap<>();
                for (List<Endpoint> side : List.of(gone, came)) {
                    for (Endpoint e : side) {
                        if (e.ip(family) != null && e.network().equals(n.name())) {
                            members.put(e.ip(family).toString(), side == came ? "" : null);
                        }
                    }
                }
                derive(sets, before, netSet(n, family), members);
            }
        }
        return sets;
    }

    static void derive(Map<String, NftSet> sets, Table before, String name, Map<String, String> changes) {
        NftSet was = before.sets().get(name);
        put(sets, new NftSet(name, was.keyType(), was.dataType(), was.flags(),
                changes.isEmpty() ? was.elements() : Elements.derive(was.elements(), changes), was.typeOf()));
    }

    /** The identity set holding {@code a}, if any (one per identity to look at, each a sorted set). */
    private static Integer holder(Map<Integer, java.util.SortedSet<IpAddress>> identities, IpAddress a) {
        for (Map.Entry<Integer, java.util.SortedSet<IpAddress>> e : identities.entrySet()) {
            if (e.getValue().contains(a)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * The identity an address stands for in {@code ident4}/{@code ident6}: a local endpoint's own, when it has one
     * (not 0), else the one the plan gives the address; null: no element.
     */
    private static Integer identity(Integer planned, Endpoint local) {
        return local != null && local.identity() != 0 ? Integer.valueOf(local.identity()) : planned;
    }

    private static String identityElement(int id) {
        return Integer.toString(id);
    }

    private static String netSet(Network n, int family) {
        return "net" + family + "-" + n.name();
    }

    private static Table natTable(Ruleset r, int family) {
        String ip = family == 4 ? "ip" : "ip6";
        String loopback = family == 4 ? "127.0.0.0/8" : "::1";
        String dnat = "dnat " + ip + " to meta l4proto . th dport map @ports" + family;
        Map<String, Chain> chains = new LinkedHashMap<>();
        chains.put("prerouting", new Chain("prerouting", new Hook("nat", "prerouting", "dstnat", -100),
                List.of("fib daddr type local " + dnat + " comment \"published ports\"")));
        // "priority dstnat" is refused on the output hook by nft 1.0.6; -100 is its value.
        chains.put("output", new Chain("output", new Hook("nat", "output", "-100", -100),
                List.of(ip + " daddr != " + loopback + " fib daddr type local " + dnat
                        + " comment \"published ports, from the host itself\"")));
        chains.put("postrouting", new Chain("postrouting", new Hook("nat", "postrouting", "srcnat", 100),
                List.of(ip + " saddr vmap @nets" + family)));
        Map<String, String> nets = new LinkedHashMap<>();
        r.networks().values().stream().filter(n -> n.cidr(family) != null)
                .sorted(Comparator.comparing(n -> n.cidr(family))).forEach(n -> {
                    Cidr cidr = n.cidr(family);
                    String bridge = quote(n.bridge());
                    List<String> rules = new ArrayList<>();
                    rules.add("oifname " + bridge + " ct status dnat masquerade comment \"" + HAIRPIN + "\"");
                    if (n.nat()) {
                        rules.add("oifname != " + bridge + " " + ip + " daddr != " + cidr
                                + " masquerade comment \"egress\"");
                    }
                    chains.put(postChain(n), new Chain(postChain(n), null, List.copyOf(rules)));
                    nets.put(cidr.toString(), "jump " + postChain(n));
                });
        Map<String, String> ports = new LinkedHashMap<>();
        r.ports().stream().filter(p -> p.address().family() == family).forEach(p -> ports.put(
                p.protocol().nft() + " . " + p.hostPort(), p.address() + " . " + p.port()));
        Map<String, NftSet> sets = new LinkedHashMap<>();
        put(sets, new NftSet("ports" + family, "inet_proto . inet_service", addrType(family) + " . inet_service",
                Set.of(), ports));
        put(sets, new NftSet("nets" + family, addrType(family), "verdict", Set.of("interval"), nets));
        return new Table(family == 4 ? NAT4 : NAT6, chains, sets);
    }

    /**
     * The WireGuard mesh extends every network to other hosts: a packet between a network's bridge and a mesh
     * interface ({@value #MESH_IFNAME_PREFIX}*) whose remote address is in that network is traffic within the
     * network and goes to its policy chain, like bridge-to-bridge traffic; a remote address of another network
     * matches no element and falls through to the isolation drop. Static rules over the {@code mesh4}/{@code mesh6}
     * maps (bridge . prefix), so a network still comes and goes as elements only.
     */
    private static List<String> meshRules() {
        String mesh = quote(MESH_IFNAME_PREFIX + "*");
        return List.of(
                "oifname " + mesh + " iifname . ip daddr vmap @mesh4 comment \"to the network on remote hosts\"",
                "iifname " + mesh + " oifname . ip saddr vmap @mesh4 comment \"from the network on remote hosts\"",
                "oifname " + mesh + " iifname . ip6 daddr vmap @mesh6 comment \"to the network on remote hosts\"",
                "iifname " + mesh + " oifname . ip6 saddr vmap @mesh6 comment \"from the network on remote hosts\"");
    }

    static String netChain(Network n) {
        return "net-" + n.name();
    }

    static String postChain(Network n) {
        return "post-" + n.name();
    }

    /**
     * Each local endpoint's address with the bridge of its network: what a container may send from. A packet from a
     * bridge with any other source (another host's endpoint, another network's, an address no one has) is dropped
     * before policy, where its source address would otherwise decide its identity. Containers on one bridge are told
     * apart by address only: the inet family does not see the bridge port.
     */
    private static Map<String, String> sources(Ruleset r, List<Endpoint> eps, int family) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Endpoint ep : eps) {
            Network n = r.networks().get(ep.network());
            if (n != null) {
                out.put(source(n, ep, family), "");
            }
        }
        return out;
    }

    private static String source(Network n, Endpoint ep, int family) {
        return quote(n.bridge()) + " . " + ep.ip(family);
    }

    private static List<Endpoint> sortedBy(Collection<Endpoint> endpoints, int family) {
        return endpoints.stream().filter(ep -> ep.ip(family) != null)
                .sorted(Comparator.comparing((Endpoint ep) -> ep.ip(family))).toList();
    }

    private static String addrType(int family) {
        return family == 4 ? "ipv4_addr" : "ipv6_addr";
    }

    /** Interface names are checked by {@link Ruleset.Network} to hold no quote or space. */
    static String quote(String ifname) {
        return "\"" + ifname + "\"";
    }

    static void put(Map<String, NftSet> sets, NftSet set) {
        sets.put(set.name(), set);
    }
}
