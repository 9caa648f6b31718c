package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code bridge qnf} table ({@link PortGuard}) as scripts: what it holds and what a change touches. */
class PortGuardTest {
    static final Network A = Network.dualStack("a", "qbr-a", "10.1.0.0/24", "fd00:1::/64", true);
    static final Endpoint X = Endpoint.dualStack("x", "a", "10.1.0.2", "fd00:1::2", 7)
            .onPort("qv000000000001", "0A:58:0A:01:00:02");
    static final Endpoint Y = Endpoint.of("y", "a", "10.1.0.3", 7).onPort("qv000000000002", null);
    static final Ruleset ONE = Ruleset.of(List.of(A), List.of(X), List.of());

    @Test
    void theTableHoldsEachPortToItsMacAndAddresses() {
        assertThat(bridgeLines(RulesetCompiler.full(ONE))).isEqualTo("""
                add table bridge qnf { comment "managed by qnf; edits are overwritten"; }
                flush table bridge qnf
                add chain bridge qnf prerouting { type filter hook prerouting priority filter; policy accept; }
                add set bridge qnf ports { type ifname; }
                add set bridge qnf pinned { type ifname; }
                add set bridge qnf mac { type ifname . ether_addr; }
                add set bridge qnf src4 { type ifname . ipv4_addr; }
                add set bridge qnf src6 { type ifname . ipv6_addr; }
                add set bridge qnf nd6 { typeof iifname . @th,64,128; }
                add set bridge qnf lla { typeof iifname . @th,192,64; }
                flush set bridge qnf ports
                flush set bridge qnf pinned
                flush set bridge qnf mac
                flush set bridge qnf src4
                flush set bridge qnf src6
                flush set bridge qnf nd6
                flush set bridge qnf lla
                add rule bridge qnf prerouting iifname != @ports accept comment "not a port QNF plugged"
                add rule bridge qnf prerouting iifname @pinned iifname . ether saddr != @mac drop comment "a port sends from its container's MAC only"
                add rule bridge qnf prerouting ether type != { ip, ip6, arp } drop comment "IPv4, IPv6 and ARP only: no VLAN tags, no other protocols"
                add rule bridge qnf prerouting iifname @pinned iifname . arp saddr ether != @mac drop comment "ARP claims the container's MAC only"
                add rule bridge qnf prerouting arp saddr ip != 0.0.0.0 iifname . arp saddr ip != @src4 drop comment "ARP claims the container's IPv4 address only"
                add rule bridge qnf prerouting iifname . ip saddr != @src4 drop comment "a container sends from its own IPv4 address only"
                add rule bridge qnf prerouting ip6 saddr != { ::, fe80::/10 } iifname . ip6 saddr != @src6 drop comment "a container sends from its own IPv6 address only"
                add rule bridge qnf prerouting iifname @pinned ip6 saddr fe80::/10 iifname . ip6 saddr != @src6 drop comment "a container sends from its own link-local address only"
                add rule bridge qnf prerouting ip6 saddr :: meta l4proto != ipv6-icmp drop comment "the unspecified address is for DAD and MLD"
                add rule bridge qnf prerouting icmpv6 type { nd-router-advert, nd-redirect } drop comment "containers are not routers"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-advert @th,64,16 & 0xffc0 != 0xfe80 iifname . @th,64,128 != @nd6 drop comment "neighbour advertisements claim the container's IPv6 address only"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-advert iifname @pinned iifname . @th,64,128 != @nd6 drop comment "neighbour advertisements claim the container's link-local address only"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-solicit iifname @pinned ip6 saddr != :: ip6 length > 32 drop comment "one neighbour solicitation option at most"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-solicit iifname @pinned ip6 saddr != :: iifname . @th,192,64 != @lla drop comment "a neighbour solicitation's link-layer address is the container's MAC"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-advert iifname @pinned ip6 length > 32 drop comment "one neighbour advertisement option at most"
                add rule bridge qnf prerouting icmpv6 type nd-neighbor-advert iifname @pinned iifname . @th,192,64 != @lla drop comment "a neighbour advertisement's link-layer address is the container's MAC"
                add rule bridge qnf prerouting icmpv6 type nd-router-solicit iifname @pinned ip6 length > 16 drop comment "one router solicitation option at most"
                add rule bridge qnf prerouting icmpv6 type nd-router-solicit iifname @pinned iifname . @th,64,64 != @lla drop comment "a router solicitation's link-layer address is the container's MAC"
                add element bridge qnf ports { "qv000000000001" }
                add element bridge qnf pinned { "qv000000000001" }
                add element bridge qnf mac { "qv000000000001" . 0a:58:0a:01:00:02 }
                add element bridge qnf src4 { "qv000000000001" . 10.1.0.2 }
                add element bridge qnf src6 { "qv000000000001" . fe80::858:aff:fe01:2, "qv000000000001" . fd00:1::2 }
                add element bridge qnf nd6 { "qv000000000001" . 0xfe8000000000000008580afffe010002, "qv000000000001" . 0xfd000001000000000000000000000002 }
                add element bridge qnf lla { "qv000000000001" . 0x01010a580a010002, "qv000000000001" . 0x02010a580a010002 }
                """);
    }

    @Test
    void anEndpointComesAndGoesAsElementsOnlyInTheSameTransaction() {
        Ruleset two = ONE.withEndpoint(Y);
        String added = RulesetCompiler.diff(ONE, two);
        assertThat(bridgeLines(added)).as("no MAC known for y: its port is not pinned").isEqualTo("""
                add element bridge qnf ports { "qv000000000002" }
                add element bridge qnf src4 { "qv000000000002" . 10.1.0.3 }
                """);
        assertThat(added).contains("add element inet qnf src4 { \"qbr-a\" . 10.1.0.3 }");
        assertThat(bridgeLines(RulesetCompiler.diff(two, ONE))).isEqualTo("""
                delete element bridge qnf ports { "qv000000000002" }
                delete element bridge qnf src4 { "qv000000000002" . 10.1.0.3 }
                """);
        assertThat(bridgeLines(RulesetCompiler.diff(two, ONE.withEndpoint(Y.onPort("qv000000000002", "0a:58:0a:01:00:03")))))
                .as("the MAC becomes known, and with it the link-local address and link-layer options").isEqualTo("""
                        add element bridge qnf pinned { "qv000000000002" }
                        add element bridge qnf mac { "qv000000000002" . 0a:58:0a:01:00:03 }
                        add element bridge qnf src6 { "qv000000000002" . fe80::858:aff:fe01:3 }
                        add element bridge qnf nd6 { "qv000000000002" . 0xfe8000000000000008580afffe010003 }
                        add element bridge qnf lla { "qv000000000002" . 0x01010a580a010003, "qv000000000002" . 0x02010a580a010003 }
                        """);
    }

    @Test
    void aDerivedTableIsTheFullOneAndItsScriptOnlyTheChanges() {
        Endpoint z = Endpoint.dualStack("z", "a", "10.1.0.4", "fd00:1::4", 8).onPort("qv000000000003", "0a:58:0a:01:00:04");
        List<Ruleset> states = List.of(ONE, ONE.withEndpoint(Y), ONE.withEndpoint(Y).withEndpoint(z),
                ONE.withEndpoint(Y.onPort("qv000000000002", "0a:58:0a:01:00:03")).withEndpoint(z),
                ONE.withEndpoint(z.onPort("qv000000000009", "0a:58:0a:01:00:04")),
                ONE.withoutEndpoint("x").withEndpoint(Endpoint.of("y", "a", "10.1.0.3", 7)), ONE);
        Ruleset applied = states.get(0);
        var appliedLayout = RulesetCompiler.persistent(RulesetCompiler.layout(applied));
        for (Ruleset next : states.subList(1, states.size())) {
            var derived = RulesetCompiler.layout(next, applied, appliedLayout);
            assertThat(derived).isEqualTo(RulesetCompiler.layout(next));
            assertThat(IncrementalLayoutTest.normalized(RulesetCompiler.diff(appliedLayout, derived)))
                    .isEqualTo(IncrementalLayoutTest.normalized(RulesetCompiler.diff(applied, next)));
            applied = next;
            appliedLayout = derived;
        }
        Ruleset two = ONE.withEndpoint(Y);
        var derived = RulesetCompiler.layout(two.withEndpoint(z), two, RulesetCompiler.layout(two));
        assertThat(derived.get(PortGuard.TABLE).sets().get("nd6").elements()).as("derived, not rendered whole")
                .isInstanceOf(Elements.class);
        assertThat(derived.get(PortGuard.TABLE).sets().get("nd6").typeOf()).isEqualTo("iifname . @th,64,128");
    }

    @Test
    void theTableExistsWhileSomeEndpointHasAPort() {
        Ruleset unported = ONE.withEndpoint(Endpoint.of("x", "a", "10.1.0.2", 7));
        assertThat(RulesetCompiler.full(unported)).doesNotContain("bridge qnf");
        assertThat(RulesetCompiler.diff(ONE, unported)).endsWith("delete table bridge qnf\n");
        assertThat(RulesetCompiler.diff(ONE, Ruleset.EMPTY)).contains("delete table bridge qnf\n");
        assertThat(RulesetCompiler.diff(unported, ONE)).contains("add table bridge qnf");
    }

    @Test
    void adoptionKeepsATableOfTheSameLayout() throws Exception {
        // what "nft -j list table bridge qnf" shows for the table above (nd6's key by expression lists as integer)
        var listing = new ObjectMapper().readTree("""
                {"nftables": [
                  {"table": {"family": "bridge", "name": "qnf"}},
                  {"chain": {"family": "bridge", "table": "qnf", "name": "prerouting", "type": "filter",
                             "hook": "prerouting", "prio": -200, "policy": "accept"}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "ports", "type": "ifname"}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "pinned", "type": "ifname"}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "mac", "type": ["ifname", "ether_addr"]}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "src4", "type": ["ifname", "ipv4_addr"]}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "src6", "type": ["ifname", "ipv6_addr"]}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "nd6", "type": ["ifname", "integer"]}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "lla", "type": ["ifname", "integer"]}},
                  {"set": {"family": "bridge", "table": "qnf", "name": "stale", "type": "ifname"}}
                ]}""");
        RulesetCompiler.Adoption adoption = RulesetCompiler.adopt(ObservedTables.parse(listing), ONE);
        assertThat(adoption.removed()).containsExactly("set bridge qnf stale");
        assertThat(adoption.script()).doesNotContain("delete table bridge qnf");
    }

    @Test
    void aPortsLinkLocalAddressIsTheModifiedEui64OfItsMac() {
        // RFC 4291 appendix A: ff:fe in the middle, the universal/local bit (0x02 of the first byte) flipped
        assertThat(new Ruleset.Port("qv1", "0a:58:0a:01:00:02").linkLocal()).hasToString("fe80::858:aff:fe01:2");
        assertThat(new Ruleset.Port("qv1", "00:1B:21:3A:4C:5D").linkLocal()).hasToString("fe80::21b:21ff:fe3a:4c5d");
        assertThat(new Ruleset.Port("qv1", "fe:ff:ff:ff:ff:ff").linkLocal()).hasToString("fe80::fcff:ffff:feff:ffff");
        assertThat(new Ruleset.Port("qv1", null).linkLocal()).isNull();
    }

    @Test
    void badPortsAreRefused() {
        assertThatThrownBy(() -> Endpoint.of("z", "a", "10.1.0.4", 7).onPort("qv 1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface name");
        assertThatThrownBy(() -> Endpoint.of("z", "a", "10.1.0.4", 7).onPort("qv1", "0a:58:0a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAC '0a:58:0a'");
        assertThatThrownBy(() -> ONE.withEndpoint(Endpoint.of("z", "a", "10.1.0.4", 7).onPort("qv000000000001", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port qv000000000001 given to endpoints x and z");
        assertThatThrownBy(() -> ONE.withEndpoint(Endpoint.of("z", "a", "10.1.0.4", 7).onPort("qbr-a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a network's bridge");
    }

    @Test
    void everyCommandNamesAQnfTable() {
        Pattern qnfOnly = Pattern.compile(
                "(add|flush|delete) (table|chain|rule|set|map|element|counter) (inet qnf|ip qnf-nat|ip6 qnf-nat|bridge qnf)( .*)?");
        Ruleset two = ONE.withEndpoint(Y);
        Stream.of(RulesetCompiler.full(two), RulesetCompiler.diff(ONE, two), RulesetCompiler.diff(two, Ruleset.EMPTY),
                        RulesetCompiler.adopt(ObservedTables.NONE, two).script())
                .flatMap(String::lines)
                .forEach(line -> assertThat(line).matches(qnfOnly));
    }

    private static String bridgeLines(String script) {
        return script.lines().filter(l -> l.contains(" bridge qnf")).map(l -> l + "\n").collect(Collectors.joining());
    }
}
