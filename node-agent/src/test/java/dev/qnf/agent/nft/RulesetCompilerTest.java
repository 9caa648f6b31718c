package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.nft.Ruleset.PortMapping;
import dev.qnf.agent.nft.Ruleset.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RulesetCompilerTest {
    static final Network A = Network.of("a", "qbr-a", "10.1.0.0/24", true);
    static final Network B = Network.dualStack("b", "qbr-b", "10.2.0.0/24", "fd00:2::/64", false);
    static final Ruleset SMALL = Ruleset.of(List.of(A), List.of(Endpoint.of("c1", "a", "10.1.0.2", 7)),
            List.of(PortMapping.tcp(8080, "10.1.0.2", 80)));

    @Test
    void fullScriptOfASmallState() {
        assertThat(RulesetCompiler.full(SMALL)).isEqualTo("""
                add table inet qnf { comment "managed by qnf; edits are overwritten"; }
                flush table inet qnf
                add chain inet qnf forward { type filter hook forward priority filter - 5; policy accept; }
                add chain inet qnf net-a
                add chain inet qnf pol
                add chain inet qnf pol-out
                add chain inet qnf pol-in
                add counter inet qnf default-deny-in
                add counter inet qnf default-deny-out
                add set inet qnf bridges { type ifname; }
                add set inet qnf egress { type ifname; }
                add map inet qnf intra { type ifname . ifname : verdict; }
                add map inet qnf mesh4 { type ifname . ipv4_addr : verdict; flags interval; }
                add map inet qnf mesh6 { type ifname . ipv6_addr : verdict; flags interval; }
                add set inet qnf ep4 { type ipv4_addr; }
                add set inet qnf src4 { type ifname . ipv4_addr; }
                add map inet qnf ident4 { type ipv4_addr : mark; }
                add set inet qnf ep6 { type ipv6_addr; }
                add set inet qnf src6 { type ifname . ipv6_addr; }
                add map inet qnf ident6 { type ipv6_addr : mark; }
                add set inet qnf net4-a { type ipv4_addr; }
                add set inet qnf net6-a { type ipv6_addr; }
                add map inet qnf out-deny { type mark . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf out-deny4 { type mark . ipv4_addr . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf out-deny6 { type mark . ipv6_addr . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf out-allow { type mark . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf out-allow4 { type mark . ipv4_addr . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf out-allow6 { type mark . ipv6_addr . inet_proto . inet_service : verdict; flags interval; }
                add set inet qnf isolated-out { type mark; }
                add map inet qnf in-deny { type mark . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf in-deny4 { type ipv4_addr . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf in-deny6 { type ipv6_addr . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf in-allow { type mark . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf in-allow4 { type ipv4_addr . mark . inet_proto . inet_service : verdict; flags interval; }
                add map inet qnf in-allow6 { type ipv6_addr . mark . inet_proto . inet_service : verdict; flags interval; }
                add set inet qnf isolated-in { type mark; }
                flush set inet qnf bridges
                flush set inet qnf egress
                flush map inet qnf intra
                flush map inet qnf mesh4
                flush map inet qnf mesh6
                flush set inet qnf ep4
                flush set inet qnf src4
                flush map inet qnf ident4
                flush set inet qnf ep6
                flush set inet qnf src6
                flush map inet qnf ident6
                flush set inet qnf net4-a
                flush set inet qnf net6-a
                flush map inet qnf out-deny
                flush map inet qnf out-deny4
                flush map inet qnf out-deny6
                flush map inet qnf out-allow
                flush map inet qnf out-allow4
                flush map inet qnf out-allow6
                flush set inet qnf isolated-out
                flush map inet qnf in-deny
                flush map inet qnf in-deny4
                flush map inet qnf in-deny6
                flush map inet qnf in-allow
                flush map inet qnf in-allow4
                flush map inet qnf in-allow6
                flush set inet qnf isolated-in
                add rule inet qnf forward iifname != @bridges oifname != @bridges accept comment "not QNF traffic"
                add rule inet qnf forward ct state established,related accept
                add rule inet qnf forward ct state invalid drop
                add rule inet qnf forward iifname @bridges iifname . ip saddr != @src4 drop comment "anti-spoofing: a container sends from its own addresses only"
                add rule inet qnf forward iifname @bridges ip6 saddr != { ::, fe80::/10 } iifname . ip6 saddr != @src6 drop
                add rule inet qnf forward iifname . oifname vmap @intra comment "within a network: its policy chain"
                add rule inet qnf forward oifname "qwg*" iifname . ip daddr vmap @mesh4 comment "to the network on remote hosts"
                add rule inet qnf forward iifname "qwg*" oifname . ip saddr vmap @mesh4 comment "from the network on remote hosts"
                add rule inet qnf forward oifname "qwg*" iifname . ip6 daddr vmap @mesh6 comment "to the network on remote hosts"
                add rule inet qnf forward iifname "qwg*" oifname . ip6 saddr vmap @mesh6 comment "from the network on remote hosts"
                add rule inet qnf forward oifname @bridges ct status dnat goto pol comment "published ports"
                add rule inet qnf forward iifname @bridges oifname @bridges drop comment "networks are isolated"
                add rule inet qnf forward iifname @egress goto pol comment "NAT networks reach the outside"
                add rule inet qnf forward drop comment "anything else to or from a QNF network"
                add rule inet qnf net-a goto pol
                add rule inet qnf pol icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept comment "IPv6 neighbour discovery, which conntrack does not track"
                add rule inet qnf pol meta mark set 0 ct mark set 0 comment "identity 0: outside the fabric"
                add rule inet qnf pol meta mark set ip saddr map @ident4
                add rule inet qnf pol meta mark set ip6 saddr map @ident6
                add rule inet qnf pol ct mark set ip daddr map @ident4
                add rule inet qnf pol ct mark set ip6 daddr map @ident6
                add rule inet qnf pol ip saddr @ep4 jump pol-out comment "sent from this host: egress policy"
                add rule inet qnf pol ip6 saddr @ep6 jump pol-out
                add rule inet qnf pol ip daddr @ep4 jump pol-in comment "received on this host: ingress policy"
                add rule inet qnf pol ip6 daddr @ep6 jump pol-in
                add rule inet qnf pol accept
                add rule inet qnf pol-out meta mark . ct mark . meta l4proto . th dport vmap @out-deny
                add rule inet qnf pol-out ct mark 0 meta mark . ip daddr . meta l4proto . th dport vmap @out-deny4
                add rule inet qnf pol-out ct mark 0 meta mark . ip6 daddr . meta l4proto . th dport vmap @out-deny6
                add rule inet qnf pol-out meta mark . ct mark . meta l4proto . th dport vmap @out-allow
                add rule inet qnf pol-out ct mark 0 meta mark . ip daddr . meta l4proto . th dport vmap @out-allow4
                add rule inet qnf pol-out ct mark 0 meta mark . ip6 daddr . meta l4proto . th dport vmap @out-allow6
                add rule inet qnf pol-out meta mark @isolated-out counter name "default-deny-out" drop
                add rule inet qnf pol-in meta mark . ct mark . meta l4proto . th dport vmap @in-deny
                add rule inet qnf pol-in meta mark 0 ip saddr . ct mark . meta l4proto . th dport vmap @in-deny4
                add rule inet qnf pol-in meta mark 0 ip6 saddr . ct mark . meta l4proto . th dport vmap @in-deny6
                add rule inet qnf pol-in meta mark . ct mark . meta l4proto . th dport vmap @in-allow
                add rule inet qnf pol-in meta mark 0 ip saddr . ct mark . meta l4proto . th dport vmap @in-allow4
                add rule inet qnf pol-in meta mark 0 ip6 saddr . ct mark . meta l4proto . th dport vmap @in-allow6
                add rule inet qnf pol-in ct mark @isolated-in counter name "default-deny-in" drop
                add element inet qnf bridges { "qbr-a" }
                add element inet qnf egress { "qbr-a" }
                add element inet qnf intra { "qbr-a" . "qbr-a" : goto net-a }
                add element inet qnf mesh4 { "qbr-a" . 10.1.0.0/24 : goto net-a }
                add element inet qnf ep4 { 10.1.0.2 }
                add element inet qnf src4 { "qbr-a" . 10.1.0.2 }
                add element inet qnf ident4 { 10.1.0.2 : 7 }
                add element inet qnf net4-a { 10.1.0.2 }
                add table ip qnf-nat { comment "managed by qnf; edits are overwritten"; }
                flush table ip qnf-nat
                add chain ip qnf-nat prerouting { type nat hook prerouting priority dstnat; policy accept; }
                add chain ip qnf-nat output { type nat hook output priority -100; policy accept; }
                add chain ip qnf-nat postrouting { type nat hook postrouting priority srcnat; policy accept; }
                add chain ip qnf-nat post-a
                add map ip qnf-nat ports4 { type inet_proto . inet_service : ipv4_addr . inet_service; }
                add map ip qnf-nat nets4 { type ipv4_addr : verdict; flags interval; }
                flush map ip qnf-nat ports4
                flush map ip qnf-nat nets4
                add rule ip qnf-nat prerouting fib daddr type local dnat ip to meta l4proto . th dport map @ports4 comment "published ports"
                add rule ip qnf-nat output ip daddr != 127.0.0.0/8 fib daddr type local dnat ip to meta l4proto . th dport map @ports4 comment "published ports, from the host itself"
                add rule ip qnf-nat postrouting ip saddr vmap @nets4
                add rule ip qnf-nat post-a oifname "qbr-a" ct status dnat masquerade comment "hairpin: a published port reached from its own network"
                add rule ip qnf-nat post-a oifname != "qbr-a" ip daddr != 10.1.0.0/24 masquerade comment "egress"
                add element ip qnf-nat ports4 { tcp . 8080 : 10.1.0.2 . 80 }
                add element ip qnf-nat nets4 { 10.1.0.0/24 : jump post-a }
                """);
    }

    @Test
    void oneEndpointMoreIsOnlyElementAdds() {
        Ruleset next = SMALL.withEndpoint(Endpoint.of("c2", "a", "10.1.0.3", 8));
        assertThat(RulesetCompiler.diff(SMALL, next)).isEqualTo("""
                add element inet qnf ep4 { 10.1.0.3 }
                add element inet qnf src4 { "qbr-a" . 10.1.0.3 }
                add element inet qnf ident4 { 10.1.0.3 : 8 }
                add element inet qnf net4-a { 10.1.0.3 }
                """);
    }

    @Test
    void oneEndpointLessIsOnlyElementDeletes() {
        Ruleset two = SMALL.withEndpoint(Endpoint.of("c2", "a", "10.1.0.3", 8));
        assertThat(RulesetCompiler.diff(two, SMALL)).isEqualTo("""
                delete element inet qnf ep4 { 10.1.0.3 }
                delete element inet qnf src4 { "qbr-a" . 10.1.0.3 }
                delete element inet qnf ident4 { 10.1.0.3 }
                delete element inet qnf net4-a { 10.1.0.3 }
                """);
    }

    @Test
    void aDualStackEndpointTouchesBothFamiliesSets() {
        Ruleset withB = SMALL.withNetwork(B);
        Ruleset next = withB.withEndpoint(Endpoint.dualStack("c3", "b", "10.2.0.5", "fd00:2::5", 9));
        assertThat(RulesetCompiler.diff(withB, next)).isEqualTo("""
                add element inet qnf ep4 { 10.2.0.5 }
                add element inet qnf src4 { "qbr-b" . 10.2.0.5 }
                add element inet qnf ident4 { 10.2.0.5 : 9 }
                add element inet qnf ep6 { fd00:2::5 }
                add element inet qnf src6 { "qbr-b" . fd00:2::5 }
                add element inet qnf ident6 { fd00:2::5 : 9 }
                add element inet qnf net4-b { 10.2.0.5 }
                add element inet qnf net6-b { fd00:2::5 }
                """);
    }

    @Test
    void aChangedIdentityOrPortTargetReplacesOneMapElement() {
        Ruleset next = SMALL.withEndpoint(Endpoint.of("c1", "a", "10.1.0.2", 70))
                .withPort(PortMapping.tcp(8080, "10.1.0.9", 8080));
        assertThat(RulesetCompiler.diff(SMALL, next)).isEqualTo("""
                delete element inet qnf ident4 { 10.1.0.2 }
                add element inet qnf ident4 { 10.1.0.2 : 70 }
                delete element ip qnf-nat ports4 { tcp . 8080 }
                add element ip qnf-nat ports4 { tcp . 8080 : 10.1.0.9 . 8080 }
                """);
    }

    @Test
    void nothingChangedIsAnEmptyScript() {
        assertThat(RulesetCompiler.diff(SMALL, Ruleset.of(SMALL.networks().values(), SMALL.endpoints().values(),
                SMALL.ports()))).isEmpty();
    }

    @Test
    void aNetworkComesWithItsChainsAndSetsAndGoesAfterItsElements() {
        Ruleset withB = SMALL.withNetwork(B);
        assertThat(RulesetCompiler.diff(SMALL, withB)).isEqualTo("""
                add chain inet qnf net-b
                add set inet qnf net4-b { type ipv4_addr; }
                add set inet qnf net6-b { type ipv6_addr; }
                add rule inet qnf net-b goto pol
                add element inet qnf bridges { "qbr-b" }
                add element inet qnf intra { "qbr-b" . "qbr-b" : goto net-b }
                add element inet qnf mesh4 { "qbr-b" . 10.2.0.0/24 : goto net-b }
                add element inet qnf mesh6 { "qbr-b" . fd00:2::/64 : goto net-b }
                add chain ip qnf-nat post-b
                add rule ip qnf-nat post-b oifname "qbr-b" ct status dnat masquerade comment "hairpin: a published port reached from its own network"
                add element ip qnf-nat nets4 { 10.2.0.0/24 : jump post-b }
                add table ip6 qnf-nat { comment "managed by qnf; edits are overwritten"; }
                flush table ip6 qnf-nat
                add chain ip6 qnf-nat prerouting { type nat hook prerouting priority dstnat; policy accept; }
                add chain ip6 qnf-nat output { type nat hook output priority -100; policy accept; }
                add chain ip6 qnf-nat postrouting { type nat hook postrouting priority srcnat; policy accept; }
                add chain ip6 qnf-nat post-b
                add map ip6 qnf-nat ports6 { type inet_proto . inet_service : ipv6_addr . inet_service; }
                add map ip6 qnf-nat nets6 { type ipv6_addr : verdict; flags interval; }
                flush map ip6 qnf-nat ports6
                flush map ip6 qnf-nat nets6
                add rule ip6 qnf-nat prerouting fib daddr type local dnat ip6 to meta l4proto . th dport map @ports6 comment "published ports"
                add rule ip6 qnf-nat output ip6 daddr != ::1 fib daddr type local dnat ip6 to meta l4proto . th dport map @ports6 comment "published ports, from the host itself"
                add rule ip6 qnf-nat postrouting ip6 saddr vmap @nets6
                add rule ip6 qnf-nat post-b oifname "qbr-b" ct status dnat masquerade comment "hairpin: a published port reached from its own network"
                add element ip6 qnf-nat nets6 { fd00:2::/64 : jump post-b }
                """);
        assertThat(RulesetCompiler.diff(withB, SMALL)).isEqualTo("""
                delete element inet qnf bridges { "qbr-b" }
                delete element inet qnf intra { "qbr-b" . "qbr-b" }
                delete element inet qnf mesh4 { "qbr-b" . 10.2.0.0/24 }
                delete element inet qnf mesh6 { "qbr-b" . fd00:2::/64 }
                flush chain inet qnf net-b
                delete set inet qnf net4-b
                delete set inet qnf net6-b
                delete chain inet qnf net-b
                delete element ip qnf-nat nets4 { 10.2.0.0/24 }
                flush chain ip qnf-nat post-b
                delete chain ip qnf-nat post-b
                delete table ip6 qnf-nat
                """);
    }

    @Test
    void turningNatOffRewritesOnlyThatNetworksChain() {
        Ruleset internal = SMALL.withNetwork(Network.of("a", "qbr-a", "10.1.0.0/24", false));
        assertThat(RulesetCompiler.diff(SMALL, internal)).isEqualTo("""
                delete element inet qnf egress { "qbr-a" }
                flush chain ip qnf-nat post-a
                add rule ip qnf-nat post-a oifname "qbr-a" ct status dnat masquerade comment "hairpin: a published port reached from its own network"
                """);
    }

    @Test
    void adoptionRecreatesDeletesStaleObjectsAndIgnoresOtherTables() throws Exception {
        JsonNode listing = new ObjectMapper().readTree("""
                {"nftables": [
                  {"metainfo": {"version": "1.0.6"}},
                  {"table": {"family": "inet", "name": "qnf", "handle": 1}},
                  {"chain": {"family": "inet", "table": "qnf", "name": "forward", "type": "filter",
                             "hook": "forward", "prio": -5, "policy": "accept"}},
                  {"chain": {"family": "inet", "table": "qnf", "name": "net-a"}},
                  {"chain": {"family": "inet", "table": "qnf", "name": "net-old"}},
                  {"set": {"family": "inet", "table": "qnf", "name": "ep4", "type": "ipv4_addr",
                           "elem": ["10.1.0.2", "10.1.0.99"]}},
                  {"set": {"family": "inet", "table": "qnf", "name": "net4-old", "type": "ipv4_addr"}},
                  {"map": {"family": "inet", "table": "qnf", "name": "intra", "type": ["ifname", "ifname"],
                           "map": "verdict"}},
                  {"table": {"family": "ip6", "name": "qnf-nat", "handle": 2}},
                  {"table": {"family": "inet", "name": "other", "handle": 3}},
                  {"chain": {"family": "inet", "table": "other", "name": "net-old"}},
                  {"table": {"family": "ip", "name": "qnf-nat", "handle": 4}},
                  {"map": {"family": "ip", "table": "qnf-nat", "name": "ports4", "type": "inet_service",
                           "map": "ipv4_addr"}}
                ]}""");
        RulesetCompiler.Adoption adoption = RulesetCompiler.adopt(ObservedTables.parse(listing), SMALL);
        assertThat(adoption.removed()).containsExactly("table ip6 qnf-nat",
                "table ip qnf-nat (layout differs; recreated)", "set inet qnf net4-old", "chain inet qnf net-old");
        String script = adoption.script();
        assertThat(script).startsWith("delete table ip6 qnf-nat\ndelete table ip qnf-nat\n")
                .contains(RulesetCompiler.full(SMALL))
                .endsWith(RulesetCompiler.full(SMALL) + "delete set inet qnf net4-old\ndelete chain inet qnf net-old\n")
                .doesNotContain("other");
    }

    @Test
    void aBaseChainWithAnotherHookMeansTheTableIsRecreated() throws Exception {
        JsonNode listing = new ObjectMapper().readTree("""
                {"nftables": [
                  {"table": {"family": "inet", "name": "qnf"}},
                  {"chain": {"family": "inet", "table": "qnf", "name": "forward", "type": "filter",
                             "hook": "forward", "prio": 0, "policy": "drop"}}
                ]}""");
        assertThat(RulesetCompiler.adopt(ObservedTables.parse(listing), SMALL).script())
                .isEqualTo("delete table inet qnf\n" + RulesetCompiler.full(SMALL));
    }

    @Test
    void everyCommandNamesAQnfTable() {
        Pattern qnfOnly = Pattern.compile(
                "(add|flush|delete) (table|chain|rule|set|map|element|counter) (inet qnf|ip qnf-nat|ip6 qnf-nat)( .*)?");
        Ruleset big = SMALL.withNetwork(B).withEndpoint(Endpoint.dualStack("c3", "b", "10.2.0.5", "fd00:2::5", 9))
                .withPort(new PortMapping(Protocol.UDP, 53, dev.qnf.fabric.net.IpAddress.parse("fd00:2::5"), 5353));
        Stream.of(RulesetCompiler.full(big), RulesetCompiler.diff(SMALL, big), RulesetCompiler.diff(big, SMALL),
                        RulesetCompiler.diff(big, Ruleset.EMPTY), RulesetCompiler.adopt(ObservedTables.NONE, big).script())
                .flatMap(String::lines)
                .forEach(line -> assertThat(line).matches(qnfOnly));
    }
}
