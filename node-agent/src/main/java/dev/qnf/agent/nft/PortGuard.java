package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Layout.Chain;
import dev.qnf.agent.nft.Layout.Hook;
import dev.qnf.agent.nft.Layout.NftSet;
import dev.qnf.agent.nft.Layout.Table;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.fabric.net.IpAddress;

import java.util.Comparator;
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
        return r.endpoints().values().stream().anyMatch(ep -> ep.port() != null);
    }

    static Table table(Ruleset r) {
        List<Endpoint> guarded = r.endpoints().values().stream().filter(ep -> ep.port() != null)
                .sorted(Comparator.comparing(ep -> ep.port().ifname())).toList();
        Map<String, String> ports = new LinkedHashMap<>();
        Map<String, String> pinned = new LinkedHashMap<>();
        Map<String, String> macs = new LinkedHashMap<>();
        Map<String, String> src4 = new LinkedHashMap<>();
        Map<String, String> src6 = new LinkedHashMap<>();
        Map<String, String> nd6 = new LinkedHashMap<>();
        for (Endpoint ep : guarded) {
            String port = quote(ep.port().ifname());
            ports.put(port, "");
            if (ep.port().mac() != null) {
                pinned.put(port, "");
                macs.put(port + " . " + ep.port().mac(), "");
            }
            if (ep.ip4() != null) {
                src4.put(port + " . " + ep.ip4(), "");
            }
            if (ep.ip6() != null) {
                src6.put(port + " . " + ep.ip6(), "");
                nd6.put(port + " . " + hex128(ep.ip6()), "");
            }
        }
        Map<String, NftSet> sets = new LinkedHashMap<>();
        put(sets, new NftSet("ports", "ifname", null, Set.of(), ports));
        put(sets, new NftSet("pinned", "ifname", null, Set.of(), pinned));
        put(sets, new NftSet("mac", "ifname . ether_addr", null, Set.of(), macs));
        put(sets, new NftSet("src4", "ifname . ipv4_addr", null, Set.of(), src4));
        put(sets, new NftSet("src6", "ifname . ipv6_addr", null, Set.of(), src6));
        // nft 1.0.6 has no "icmpv6 taddr": the target of a neighbour advertisement is read as 128 raw bits after
        // the ICMPv6 header's first 8 bytes, and a raw payload only matches a set declared by that expression.
        put(sets, new NftSet("nd6", "ifname . integer", null, Set.of(), nd6, "iifname . " + ND_TARGET));
        Map<String, Chain> chains = new LinkedHashMap<>();
        chains.put("prerouting", new Chain("prerouting", new Hook("filter", "prerouting", "filter", -200), RULES));
        return new Table(TABLE, chains, sets);
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
        return String.format("0x%032x", ip6.value());
    }
}
