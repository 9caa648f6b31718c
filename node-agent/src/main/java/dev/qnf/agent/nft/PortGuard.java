package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Layout.Chain;
import dev.qnf.agent.nft.Layout.Hook;
import dev.qnf.agent.nft.Layout.NftSet;
import dev.qnf.agent.nft.Layout.Table;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.fabric.net.IpAddress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.qnf.agent.nft.RulesetCompiler.put;
import static dev.qnf.agent.nft.RulesetCompiler.quote;

/**
 * Anti-spoofing per bridge port: the {@code bridge qnf} table, which holds the port of each local endpoint (the host
 * end of its container's veth) to the endpoint's own MAC, IPv4 and IPv6 addresses, in what it sends and in what its
 * ARP and neighbour advertisements claim.
 *
 * <p>Why a bridge table: {@code inet qnf} sees the bridge a packet came from, not the port, so it can only check
 * that the source is some local endpoint of that bridge's network; a container could still send as its neighbour
 * on the same bridge (and be treated by policy as that neighbour), or answer ARP for the neighbour's address and
 * receive its traffic. The bridge family's prerouting hook sees every frame entering through a port, before the
 * bridge forwards it to another port or hands it to the host (and before br_netfilter passes it to the inet
 * hooks), with the port as {@code iifname}. Ports the state does not name are left to {@code inet qnf}.
 *
 * <p>Everything per endpoint is a set element keyed by port, so an endpoint coming or going changes elements only,
 * in the same transaction as the rest of its elements. See docs/nftables.md.
 */
final class PortGuard {
    static final String TABLE = "bridge qnf";
    /** The target address of a neighbour advertisement (RFC 4861 4.4), as raw transport-header bits. */
    private static final String ND_TARGET = "@th,64,128";

    private PortGuard() {
    }

    /** Whether the state has any port to guard; without one the table is not created. */
    static boolean needed(Ruleset r) {
        return ((Endpoints) r.endpoints()).anyPort();
    }

    static Table table(Ruleset r) {
        return table(r, null, null);
    }

    /**
     * The table of {@code r}; derived from {@code before}, the table of {@code previous}, when there is one: only
     * the endpoints that changed are rendered, and {@link RulesetCompiler#diff} writes their elements without
     * comparing the others (see {@link RulesetCompiler#layout(Ruleset, Ruleset, Map)}).
     */
    static Table table(Ruleset r, Ruleset previous, Table before) {
        Map<String, NftSet> sets = new LinkedHashMap<>();
        if (previous == null || before == null) {
            Map<String, Map<String, String>> elements = new LinkedHashMap<>();
            SETS.keySet().forEach(name -> elements.put(name, new LinkedHashMap<>()));
            r.endpoints().values().forEach(ep -> elements(ep, "", elements));
            SETS.forEach((name, empty) -> put(sets, new NftSet(name, empty.keyType(), empty.dataType(), empty.flags(),
                    elements.get(name), empty.typeOf())));
        } else {
            Map<String, Map<String, String>> changes = new LinkedHashMap<>();
            SETS.keySet().forEach(name -> changes.put(name, new LinkedHashMap<>()));
            // what went first, so that an element an endpoint keeps across a change is added back
            Ruleset.EndpointChanges changed = r.endpointChangesFrom(previous);
            changed.gone().forEach(ep -> elements(ep, null, changes));
            changed.came().forEach(ep -> elements(ep, "", changes));
            SETS.keySet().forEach(name -> RulesetCompiler.derive(sets, before, name, changes.get(name)));
        }
        Map<String, Chain> chains = new LinkedHashMap<>();
        chains.put("prerouting", new Chain("prerouting", new Hook("filter", "prerouting", "filter", -200), RULES));
        return new Table(TABLE, chains, sets);
    }

    /** Puts the elements of one endpoint's port into {@code into} (set name → element → value; null: removed). */
    private static void elements(Endpoint ep, String value, Map<String, Map<String, String>> into) {
        if (ep.port() == null) {
            return;
        }
        String port = quote(ep.port().ifname());
        into.get("ports").put(port, value);
        if (ep.port().mac() != null) {
            into.get("pinned").put(port, value);
            into.get("mac").put(port + " . " + ep.port().mac(), value);
        }
        if (ep.ip4() != null) {
            into.get("src4").put(port + " . " + ep.ip4(), value);
        }
        if (ep.ip6() != null) {
            into.get("src6").put(port + " . " + ep.ip6(), value);
            into.get("nd6").put(port + " . " + hex128(ep.ip6()), value);
        }
    }

    /**
     * The sets, by name, without elements. nft 1.0.6 has no "icmpv6 taddr": the target of a neighbour
     * advertisement is read as 128 raw bits after the ICMPv6 header's first 8 bytes, and a raw payload only matches
     * a set declared by that expression ({@code nd6}).
     */
    private static final Map<String, NftSet> SETS = sets(
            new NftSet("ports", "ifname", null, Set.of(), Map.of()),
            new NftSet("pinned", "ifname", null, Set.of(), Map.of()),
            new NftSet("mac", "ifname . ether_addr", null, Set.of(), Map.of()),
            new NftSet("src4", "ifname . ipv4_addr", null, Set.of(), Map.of()),
            new NftSet("src6", "ifname . ipv6_addr", null, Set.of(), Map.of()),
            new NftSet("nd6", "ifname . integer", null, Set.of(), Map.of(), "iifname . " + ND_TARGET));

    private static Map<String, NftSet> sets(NftSet... sets) {
        Map<String, NftSet> out = new LinkedHashMap<>();
        for (NftSet set : sets) {
            out.put(set.name(), set);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * In order: ports QNF did not plug are not its business; the MAC, then the kind of frame, then ARP's claim,
     * then the IP source, then IPv6 neighbour discovery's claims. The IPv6 exceptions are what a container needs
     * before and besides its address: {@code ::} for duplicate address detection and MLD (ICMPv6 only), link-local
     * sources for neighbour discovery; an ARP probe (sender 0.0.0.0, RFC 5227) claims nothing.
     */
    private static final List<String> RULES = List.of(
            "iifname != @ports accept comment \"not a port QNF plugged\"",
            "iifname @pinned iifname . ether saddr != @mac drop comment \"a port sends from its container's MAC only\"",
            "ether type != { ip, ip6, arp } drop comment \"IPv4, IPv6 and ARP only: no VLAN tags, no other protocols\"",
            "iifname @pinned iifname . arp saddr ether != @mac drop comment \"ARP claims the container's MAC only\"",
            "arp saddr ip != 0.0.0.0 iifname . arp saddr ip != @src4 drop comment \"ARP claims the container's IPv4 address only\"",
            "iifname . ip saddr != @src4 drop comment \"a container sends from its own IPv4 address only\"",
            "ip6 saddr != { ::, fe80::/10 } iifname . ip6 saddr != @src6 drop comment \"a container sends from its own IPv6 address only\"",
            "ip6 saddr :: meta l4proto != ipv6-icmp drop comment \"the unspecified address is for DAD and MLD\"",
            "icmpv6 type { nd-router-advert, nd-redirect } drop comment \"containers are not routers\"",
            "icmpv6 type nd-neighbor-advert @th,64,16 & 0xffc0 != 0xfe80 iifname . " + ND_TARGET
                    + " != @nd6 drop comment \"neighbour advertisements claim the container's IPv6 address only\"");

    private static String hex128(IpAddress ip6) {
        String hex = ip6.value().toString(16);
        return "0x" + "0".repeat(32 - hex.length()) + hex;
    }
}
