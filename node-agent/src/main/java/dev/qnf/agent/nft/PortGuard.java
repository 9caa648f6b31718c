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
    /**
     * The first option of a neighbour solicitation or advertisement (after the 24 bytes of type, code, checksum,
     * flags and target) and of a router solicitation (after 8 bytes), 64 raw bits: on Ethernet a link-layer address
     * option is exactly that long (type, length 1 in units of 8 bytes, the 6-byte MAC; RFC 4861 4.6.1).
     */
    private static final String ND_OPTION = "@th,192,64";
    private static final String RS_OPTION = "@th,64,64";
    /** The option types of a source and a target link-layer address (RFC 4861 4.6.1). */
    private static final int SLLA = 1;
    private static final int TLLA = 2;

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
            // its link-local address, derived from the MAC (Port#linkLocal), as a source and as an NA's target
            into.get("src6").put(port + " . " + ep.port().linkLocal(), value);
            into.get("nd6").put(port + " . " + hex128(ep.port().linkLocal()), value);
            into.get("lla").put(port + " . " + llaOption(SLLA, ep.port().mac()), value);
            into.get("lla").put(port + " . " + llaOption(TLLA, ep.port().mac()), value);
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
            new NftSet("nd6", "ifname . integer", null, Set.of(), Map.of(), "iifname . " + ND_TARGET),
            new NftSet("lla", "ifname . integer", null, Set.of(), Map.of(), "iifname . " + ND_OPTION));

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
     *
     * <p>On a port whose MAC is known ({@code pinned}) link-local is tied to the port too: the container's own
     * link-local address (the EUI-64 one of its MAC) is its only fe80:: source and the only link-local target its
     * neighbour advertisements may claim. A port without a known MAC keeps the looser rule (any link-local source,
     * link-local NA targets unchecked): its link-local address cannot be known.
     *
     * <p>Link-layer address options (pinned ports): a neighbour solicitation from a real source, a neighbour
     * advertisement and a router solicitation carry at most one option, and when they carry one it is a
     * link-layer address option naming the port's MAC. Only the first option has a fixed place, so a message with more than one is
     * dropped rather than trusted: a later source/target link-layer option could otherwise name another MAC
     * behind a harmless first one. (Linux sends exactly this: one SLLA in an NS from an address and in an RS, one
     * TLLA or none in an NA.) The option load fails, and the rule does not match, when there is no option. A DAD
     * probe (from ::) is left alone: it may carry a nonce (RFC 7527), must not carry a link-layer option (RFC
     * 4861 7.1.1), and receivers do not learn a neighbour from it. The IPv6 payload length stands for the ICMPv6
     * length, which is exact without extension headers; neighbour discovery from a container with extension
     * headers (none in practice) is therefore dropped too. Either option type naming the port's own MAC is
     * accepted (one set for both): an option that names the container's own MAC misleads nobody.
     */
    private static final List<String> RULES = List.of(
            "iifname != @ports accept comment \"not a port QNF plugged\"",
            "iifname @pinned iifname . ether saddr != @mac drop comment \"a port sends from its container's MAC only\"",
            "ether type != { ip, ip6, arp } drop comment \"IPv4, IPv6 and ARP only: no VLAN tags, no other protocols\"",
            "iifname @pinned iifname . arp saddr ether != @mac drop comment \"ARP claims the container's MAC only\"",
            "arp saddr ip != 0.0.0.0 iifname . arp saddr ip != @src4 drop comment \"ARP claims the container's IPv4 address only\"",
            "iifname . ip saddr != @src4 drop comment \"a container sends from its own IPv4 address only\"",
            "ip6 saddr != { ::, fe80::/10 } iifname . ip6 saddr != @src6 drop comment \"a container sends from its own IPv6 address only\"",
            "iifname @pinned ip6 saddr fe80::/10 iifname . ip6 saddr != @src6 drop comment \"a container sends from its own link-local address only\"",
            "ip6 saddr :: meta l4proto != ipv6-icmp drop comment \"the unspecified address is for DAD and MLD\"",
            "icmpv6 type { nd-router-advert, nd-redirect } drop comment \"containers are not routers\"",
            "icmpv6 type nd-neighbor-advert @th,64,16 & 0xffc0 != 0xfe80 iifname . " + ND_TARGET
                    + " != @nd6 drop comment \"neighbour advertisements claim the container's IPv6 address only\"",
            "icmpv6 type nd-neighbor-advert iifname @pinned iifname . " + ND_TARGET
                    + " != @nd6 drop comment \"neighbour advertisements claim the container's link-local address only\"",
            "icmpv6 type nd-neighbor-solicit iifname @pinned ip6 saddr != :: ip6 length > 32"
                    + " drop comment \"one neighbour solicitation option at most\"",
            "icmpv6 type nd-neighbor-solicit iifname @pinned ip6 saddr != :: iifname . " + ND_OPTION
                    + " != @lla drop comment \"a neighbour solicitation's link-layer address is the container's MAC\"",
            "icmpv6 type nd-neighbor-advert iifname @pinned ip6 length > 32"
                    + " drop comment \"one neighbour advertisement option at most\"",
            "icmpv6 type nd-neighbor-advert iifname @pinned iifname . " + ND_OPTION
                    + " != @lla drop comment \"a neighbour advertisement's link-layer address is the container's MAC\"",
            "icmpv6 type nd-router-solicit iifname @pinned ip6 length > 16 drop comment \"one router solicitation option at most\"",
            "icmpv6 type nd-router-solicit iifname @pinned iifname . " + RS_OPTION
                    + " != @lla drop comment \"a router solicitation's link-layer address is the container's MAC\"");

    /** A link-layer address option of {@code type} for {@code mac} as one 64-bit number: type, length 1, MAC. */
    private static String llaOption(int type, String mac) {
        return String.format("0x%02x01%s", type, mac.replace(":", ""));
    }

    private static String hex128(IpAddress ip6) {
        String hex = ip6.value().toString(16);
        return "0x" + "0".repeat(32 - hex.length()) + hex;
    }
}
