package dev.qnf.agent.nft;

import dev.qnf.agent.nft.PolicyPlan.Addresses;
import dev.qnf.agent.nft.PolicyPlan.Direction;
import dev.qnf.agent.nft.PolicyPlan.Identities;
import dev.qnf.agent.nft.PolicyPlan.Protocol;
import dev.qnf.agent.nft.PolicyPlan.Rule;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policy part of the compiled ruleset: plan → nft script, without root. */
class PolicyLayoutTest {
    static final Network A = Network.of("a", "qbr-a", "10.1.0.0/24", true);
    static final Ruleset BASE = Ruleset.of(List.of(A), List.of(Endpoint.of("c1", "a", "10.1.0.2", 7)), List.of());
    static final Map<Integer, List<IpAddress>> IDS = Map.of(7, List.of(ip("10.1.0.2")), 8,
            List.of(ip("10.1.0.9"), ip("fd00::9")));
    static final Rule WEB = Rule.allow("ns/web", Direction.INGRESS, Set.of(7), Identities.of(8), Protocol.TCP, 80, 90);

    static Ruleset with(Rule... rules) {
        return BASE.withPolicy(PolicyPlan.of(IDS, List.of(rules), Set.of(7), Set.of(7)));
    }

    @Test
    void aFirstPolicyAddsItsChainCounterAndElementsOnly() {
        assertThat(RulesetCompiler.diff(BASE, with(WEB))).isEqualTo("""
                add chain inet qnf allow-in-ns/web
                add counter inet qnf allow-in-ns/web
                add rule inet qnf allow-in-ns/web counter name "allow-in-ns/web"
                add element inet qnf ident4 { 10.1.0.9 : 8 }
                add element inet qnf ident6 { fd00::9 : 8 }
                add element inet qnf isolated-out { 7 }
                add element inet qnf in-allow { 8-8 . 7-7 . 6 . 80-90 : goto allow-in-ns/web }
                add element inet qnf isolated-in { 7 }
                """);
    }

    @Test
    void aRuleMoreInAKnownPolicyIsOneElement() {
        Rule udp = Rule.allow("ns/web", Direction.INGRESS, Set.of(7), Identities.of(8), Protocol.UDP, 53, 53);
        assertThat(RulesetCompiler.diff(with(WEB), with(WEB, udp))).isEqualTo("""
                add element inet qnf in-allow { 8-8 . 7-7 . 17 . 53 : goto allow-in-ns/web }
                """);
    }

    @Test
    void anEndpointMoreOfAKnownIdentityIsItsAddressElementsOnly() {
        Ruleset before = with(WEB);
        Ruleset after = before.withEndpoint(Endpoint.of("c2", "a", "10.1.0.3", 7));
        assertThat(RulesetCompiler.diff(before, after)).isEqualTo("""
                add element inet qnf ep4 { 10.1.0.3 }
                add element inet qnf src4 { "qbr-a" . 10.1.0.3 }
                add element inet qnf ident4 { 10.1.0.3 : 7 }
                add element inet qnf net4-a { 10.1.0.3 }
                """);
    }

    @Test
    void overlappingPortRangesAreSplitAndTheFirstRuleKeepsTheOverlap() {
        Rule api = Rule.allow("ns/api", Direction.INGRESS, Set.of(7), Identities.of(8), Protocol.TCP, 85, 95);
        Rule any = Rule.allow("ns/any", Direction.INGRESS, Set.of(7), Identities.of(8), Protocol.ANY, 0, 65535);
        assertThat(elements(with(WEB, api, any), "in-allow")).isEqualTo(
                "add element inet qnf in-allow { 8-8 . 7-7 . 0-5 . 0-65535 : goto allow-in-ns/any, "
                        + "8-8 . 7-7 . 6 . 0-79 : goto allow-in-ns/any, 8-8 . 7-7 . 6 . 80-90 : goto allow-in-ns/web, "
                        + "8-8 . 7-7 . 6 . 91-95 : goto allow-in-ns/api, 8-8 . 7-7 . 6 . 96-65535 : goto allow-in-ns/any, "
                        + "8-8 . 7-7 . 7-255 . 0-65535 : goto allow-in-ns/any }");
    }

    @Test
    void addressRulesTakeExceptionsOutAsRangesPerFamily() {
        Rule out = Rule.deny("ns/web", Direction.EGRESS, Set.of(7),
                new Addresses(List.of(dev.qnf.fabric.net.Cidr.parse("10.0.0.0/8"), dev.qnf.fabric.net.Cidr.parse("fd00::/8")),
                        List.of(dev.qnf.fabric.net.Cidr.parse("10.1.0.0/16"))), Protocol.ICMP, 0, 0);
        Ruleset r = with(out);
        assertThat(elements(r, "out-deny4")).isEqualTo("add element inet qnf out-deny4 { "
                + "7-7 . 10.0.0.0/16 . 1 . 0-65535 : goto deny-out-ns/web, "
                + "7-7 . 10.2.0.0-10.255.255.255 . 1 . 0-65535 : goto deny-out-ns/web }");
        assertThat(elements(r, "out-deny6")).isEqualTo("add element inet qnf out-deny6 { "
                + "7-7 . fd00::/8 . 58 . 0-65535 : goto deny-out-ns/web }");
        assertThat(RulesetCompiler.full(r)).contains("add rule inet qnf deny-out-ns/web counter name \"deny-out-ns/web\" drop");
    }

    @Test
    void everyEndpointIsAnIdentityRangeCutAroundExactPeers() {
        Rule all = Rule.deny("ns/all", Direction.EGRESS, Set.of(7), PolicyPlan.AllEndpoints.INSTANCE, Protocol.UDP, 0, 0);
        Rule one = Rule.deny("ns/one", Direction.EGRESS, Set.of(7), Identities.of(8), Protocol.ANY, 0, 0);
        assertThat(elements(with(one, all), "out-deny")).isEqualTo("add element inet qnf out-deny { "
                + "7-7 . 1-7 . 17 . 0-65535 : goto deny-out-ns/all, 7-7 . 8-8 . 0-255 . 0-65535 : goto deny-out-ns/one, "
                + "7-7 . 9-4294967295 . 17 . 0-65535 : goto deny-out-ns/all }");
        assertThat(RulesetCompiler.full(with(one))).contains(
                "add rule inet qnf pol-out ct mark 0 meta mark . ip daddr . meta l4proto . th dport vmap @out-deny4");
    }

    @Test
    void ingressFromAddressesPutsTheAddressFirst() {
        Rule in = Rule.allow("lb", Direction.INGRESS, Set.of(7), Addresses.of("192.0.2.0/24"), Protocol.TCP, 443, 443);
        assertThat(elements(with(in), "in-allow4")).isEqualTo(
                "add element inet qnf in-allow4 { 192.0.2.0/24 . 7-7 . 6 . 443 : goto allow-in-lb }");
    }

    @Test
    void denyAndAllowGoToSeparateMapsLookedUpDenyFirst() {
        Rule deny = Rule.deny("ns/block", Direction.INGRESS, Set.of(7), Identities.of(8), Protocol.TCP, 80, 80);
        String full = RulesetCompiler.full(with(WEB, deny));
        assertThat(full).contains("add element inet qnf in-deny { 8-8 . 7-7 . 6 . 80 : goto deny-in-ns/block }")
                .contains("add element inet qnf in-allow { 8-8 . 7-7 . 6 . 80-90 : goto allow-in-ns/web }");
        assertThat(full.indexOf("vmap @in-deny\n")).isLessThan(full.indexOf("vmap @in-allow\n"));
        assertThat(full.indexOf("vmap @in-allow6\n")).isLessThan(full.indexOf("counter name \"default-deny-in\" drop"));
    }

    @Test
    void removingAPolicyDeletesItsElementsThenItsChainThenItsCounter() {
        assertThat(RulesetCompiler.diff(with(WEB), BASE)).isEqualTo("""
                delete element inet qnf ident4 { 10.1.0.9 }
                delete element inet qnf ident6 { fd00::9 }
                delete element inet qnf isolated-out { 7 }
                delete element inet qnf in-allow { 8-8 . 7-7 . 6 . 80-90 }
                delete element inet qnf isolated-in { 7 }
                flush chain inet qnf allow-in-ns/web
                delete chain inet qnf allow-in-ns/web
                delete counter inet qnf allow-in-ns/web
                """);
    }

    @Test
    void elementsGrowWithRulesAndIdentitiesNotWithEndpoints() {
        List<Endpoint> many = new ArrayList<>();
        Map<Integer, List<IpAddress>> ids = Map.of(7, new ArrayList<>(), 8, new ArrayList<>());
        for (int i = 2; i < 250; i++) {
            many.add(Endpoint.of("e" + i, "a", "10.1.0." + i, i % 2 == 0 ? 7 : 8));
            ids.get(i % 2 == 0 ? 7 : 8).add(ip("10.1.0." + i));
        }
        Ruleset r = Ruleset.of(List.of(A), many, List.of()).withPolicy(PolicyPlan.of(ids, List.of(WEB), Set.of(7), Set.of(7)));
        assertThat(elements(r, "in-allow")).isEqualTo("add element inet qnf in-allow { 8-8 . 7-7 . 6 . 80-90 : goto allow-in-ns/web }");
    }

    @Test
    void oddPolicyNamesBecomeDigestsAndBadPlansAreRefused() {
        assertThat(PolicyPlan.key("ns/web-1.x")).isEqualTo("ns/web-1.x");
        assertThat(PolicyPlan.key("ns/we b\"")).matches("h-[0-9a-f]{16}");
        assertThat(PolicyPlan.key("a_Z.9/-".repeat(28) + "abcd")).isEqualTo("a_Z.9/-".repeat(28) + "abcd");
        assertThat(PolicyPlan.key("a".repeat(201))).matches("h-[0-9a-f]{16}");
        assertThat(PolicyPlan.key("ns/caf\u00e9")).matches("h-[0-9a-f]{16}"); // ASCII letters only
        assertThat(PolicyPlan.key("ns/a:b")).isNotEqualTo(PolicyPlan.key("ns/a;b")).matches("h-[0-9a-f]{16}");
        assertThatThrownBy(() -> PolicyPlan.of(Map.of(7, List.of(ip("10.1.0.2")), 8, List.of(ip("10.1.0.2"))),
                List.of(), Set.of(), Set.of())).hasMessageContaining("10.1.0.2");
        assertThatThrownBy(() -> PolicyPlan.of(Map.of(0, List.of(ip("10.1.0.2"))), List.of(), Set.of(), Set.of()))
                .hasMessageContaining("identity 0");
        assertThatThrownBy(() -> Rule.allow("p", Direction.EGRESS, Set.of(7), Identities.of(8), Protocol.TCP, 90, 80))
                .hasMessageContaining("90-80");
        assertThatThrownBy(() -> Rule.allow("p", Direction.EGRESS, Set.of(), Identities.of(8), Protocol.TCP, 80, 80))
                .hasMessageContaining("selects no identity");
    }

    @Test
    void boxesSplitOverlapsAndMergeNeighbours() {
        List<Boxes.Box> out = Boxes.disjoint(List.of(Boxes.Box.of(0, 0, 9, 5, 5), Boxes.Box.of(1, 0, 19, 0, 10)));
        assertThat(out).containsExactly(Boxes.Box.of(1, 0, 9, 0, 4), Boxes.Box.of(0, 0, 9, 5, 5),
                Boxes.Box.of(1, 0, 9, 6, 10), Boxes.Box.of(1, 10, 19, 0, 10));
        assertThat(Boxes.disjoint(List.of(Boxes.Box.of(0, 0, 4), Boxes.Box.of(1, 5, 9))))
                .as("adjacent pieces of different rules stay apart").hasSize(2);
        assertThat(Boxes.disjoint(List.of(Boxes.Box.of(0, 0, 4, 1, 1), Boxes.Box.of(0, 5, 9, 1, 1))))
                .as("adjacent pieces of one rule merge").containsExactly(Boxes.Box.of(0, 0, 9, 1, 1));
    }

    private static String elements(Ruleset r, String map) {
        return RulesetCompiler.full(r).lines().filter(l -> l.startsWith("add element inet qnf " + map + " {"))
                .findFirst().orElse("");
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
