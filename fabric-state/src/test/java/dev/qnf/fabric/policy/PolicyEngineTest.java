package dev.qnf.fabric.policy;

import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.net.Cidr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static dev.qnf.fabric.policy.PolicyWorld.ns;
import static dev.qnf.fabric.policy.PolicyWorld.sel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The policy engine against a truth table. Network {@code prod} denies by default and holds namespaces shop, dev
 * and monitoring; network {@code lab} allows by default and holds namespace default.
 */
class PolicyEngineTest {
    static PolicyWorld w;

    @BeforeAll
    static void world() {
        w = new PolicyWorld()
                .network("prod", "10.1.0.0/24", Verdict.DENY)
                .network("lab", "10.2.0.0/24", Verdict.ALLOW)
                .endpoint("prod", "web", "shop", "app=web")
                .endpoint("prod", "legacy", "shop", "app=web,legacy=true")
                .endpoint("prod", "api", "shop", "app=api")
                .endpoint("prod", "db", "shop", "app=db")
                .endpoint("prod", "mon", "monitoring", "app=prom")
                .endpoint("prod", "devweb", "dev", "app=web")
                .endpoint("lab", "a", null, "app=a")
                .endpoint("lab", "b", null, "app=b")
                .endpoint("lab", "c", null, "app=c");
        PortRange tcp8080 = PortRange.of(Protocol.TCP, 8080);
        w.policies(
                // api takes 8080 from web (same namespace), 9090-9100 from monitoring and the host, 8443 from any
                // namespace's web.
                Policy.of("shop", "api-in", sel("app=api"), null, null, List.of(
                        Rule.allow(List.of(Peer.endpoints(sel("app=web"))), List.of(tcp8080)),
                        Rule.allow(List.of(Peer.endpoints(null, ns("monitoring")), Peer.entity(Entity.HOST)),
                                List.of(new PortRange(Protocol.TCP, 9090, 9100))),
                        Rule.allow(List.of(Peer.endpoints(sel("app=web"), Selector.ALL)),
                                List.of(PortRange.of(Protocol.TCP, 8443)))), null),
                // a second policy for api: union with api-in
                Policy.of("shop", "api-metrics", sel("app=api"), null, null, List.of(
                        Rule.allow(List.of(Peer.endpoints(null, ns("monitoring"))),
                                List.of(PortRange.of(Protocol.TCP, 9095)))), null),
                Policy.of("shop", "api-out", sel("app=api"), null, null, null, List.of(
                        Rule.allow(List.of(Peer.endpoints(sel("app=db"))), null))),
                Policy.of("shop", "db-in", sel("app=db"), null, null, List.of(
                        Rule.allow(List.of(Peer.endpoints(sel("app=api"))),
                                List.of(PortRange.of(Protocol.TCP, 5432), PortRange.all(Protocol.SCTP)))), null),
                Policy.of("shop", "web-out", sel("app=web"), null, null, null, List.of(
                        Rule.allow(List.of(Peer.endpoints(sel("app=api"))), null),
                        Rule.allow(List.of(Peer.cidr(Cidr.parse("0.0.0.0/0"), List.of(Cidr.parse("10.0.0.0/8")))),
                                List.of(PortRange.of(Protocol.TCP, 443))))),
                // deny wins: legacy web may not reach anything in shop, whatever allows it
                Policy.of("shop", "no-legacy", Selector.ALL, null, null, List.of(
                        Rule.deny(List.of(Peer.endpoints(sel("legacy=true"))), null)), null),
                // everyone in shop may ping everyone in shop (empty selector: the whole namespace)
                Policy.of("shop", "ping", Selector.ALL, null, null,
                        List.of(Rule.allow(List.of(Peer.endpoints(Selector.ALL)), List.of(PortRange.all(Protocol.ICMP)))),
                        List.of(Rule.allow(List.of(Peer.endpoints(Selector.ALL)), List.of(PortRange.all(Protocol.ICMP))))),
                Policy.of("monitoring", "out", Selector.ALL, null, null, null, List.of(Rule.allow(null, null))),
                Policy.of("dev", "out", Selector.ALL, null, null, null, List.of(Rule.allow(null, null))),
                // lab allows by default: b is isolated for ingress only, c for egress only, a denied one flow
                Policy.of("default", "b-in", sel("app=b"), List.of("lab"), null, List.of(
                        Rule.allow(List.of(Peer.endpoints(sel("app=a"))), List.of(PortRange.of(Protocol.TCP, 80)))),
                        null),
                Policy.of("default", "c-no-egress", sel("app=c"), null, Set.of(Direction.EGRESS), null, null),
                Policy.of("default", "a-no-dns-out", sel("app=a"), null, null, null, List.of(
                        Rule.deny(List.of(Peer.cidr(Cidr.parse("8.8.8.8/32"), null)),
                                List.of(PortRange.of(Protocol.UDP, 53))))));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}/{3}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            prod/web     | prod/api   | tcp  | 8080 | ALLOW
            prod/web     | prod/api   | tcp  | 8081 | DENY
            prod/web     | prod/api   | udp  | 8080 | DENY
            prod/legacy  | prod/api   | tcp  | 8080 | DENY
            prod/api     | prod/web   | tcp  | 8080 | DENY
            prod/web     | prod/db    | tcp  | 5432 | DENY
            prod/api     | prod/db    | tcp  | 5432 | ALLOW
            prod/api     | prod/db    | udp  | 5432 | DENY
            prod/api     | prod/db    | sctp | 9999 | ALLOW
            prod/mon     | prod/api   | tcp  | 9089 | DENY
            prod/mon     | prod/api   | tcp  | 9090 | ALLOW
            prod/mon     | prod/api   | tcp  | 9100 | ALLOW
            prod/mon     | prod/api   | tcp  | 9101 | DENY
            prod/devweb  | prod/api   | tcp  | 8080 | DENY
            prod/devweb  | prod/api   | tcp  | 8443 | ALLOW
            prod/web     | prod/api   | tcp  | 8443 | ALLOW
            host         | prod/api   | tcp  | 9091 | ALLOW
            host         | prod/api   | tcp  | 8080 | DENY
            world        | prod/api   | tcp  | 8080 | DENY
            203.0.113.9  | prod/web   | tcp  | 443  | DENY
            prod/web     | 1.1.1.1    | tcp  | 443  | ALLOW
            prod/web     | 10.9.9.9   | tcp  | 443  | DENY
            prod/web     | 1.1.1.1    | tcp  | 80   | DENY
            prod/web     | 1.1.1.1    | udp  | 443  | DENY
            prod/web     | world      | tcp  | 443  | DENY
            prod/db      | 1.1.1.1    | tcp  | 443  | DENY
            prod/web     | prod/db    | icmp | 0    | ALLOW
            prod/devweb  | prod/db    | icmp | 0    | DENY
            prod/legacy  | prod/db    | icmp | 0    | DENY
            prod/api     | 10.1.0.2   | icmp | 0    | ALLOW
            lab/a        | lab/b      | tcp  | 80   | ALLOW
            lab/a        | lab/b      | tcp  | 81   | DENY
            lab/c        | lab/b      | tcp  | 80   | DENY
            lab/b        | lab/a      | tcp  | 22   | ALLOW
            lab/c        | lab/a      | tcp  | 22   | DENY
            lab/a        | lab/c      | tcp  | 22   | ALLOW
            lab/a        | 8.8.8.8    | udp  | 53   | DENY
            lab/a        | 1.1.1.1    | udp  | 53   | ALLOW
            lab/a        | 8.8.8.8    | tcp  | 53   | ALLOW
            world        | lab/a      | tcp  | 22   | ALLOW
            world        | host       | tcp  | 22   | ALLOW
            prod:app=web,k8s.qnf.dev/namespace=shop | prod/api | tcp | 8080 | ALLOW
            app=web,k8s.qnf.dev/namespace=shop      | prod/api | tcp | 8080 | ALLOW
            prod:app=web,k8s.qnf.dev/namespace=shop | prod:app=api,k8s.qnf.dev/namespace=shop | tcp | 8080 | ALLOW
            prod:app=web,k8s.qnf.dev/namespace=shop | prod:app=api,k8s.qnf.dev/namespace=shop,legacy=true | tcp | 8080 | ALLOW
            prod:app=web,legacy=true,k8s.qnf.dev/namespace=shop | prod:app=api,k8s.qnf.dev/namespace=shop | tcp | 8080 | DENY
            lab:app=x    | lab:app=b  | tcp  | 80   | DENY
            lab:app=x    | lab:app=y  | tcp  | 80   | ALLOW
            """)
    void truthTable(String from, String to, String proto, int port, Verdict expected) {
        Explanation e = PolicyEngine.evaluate(w.image, from, to, Protocol.parse(proto, null), port);
        assertThat(e.verdict()).as(e.toString()).isEqualTo(expected);
        assertThat(e.reasons()).as("every verdict names what decided it").isNotEmpty();
    }

    @Test
    void denyWinsAndExplainNamesTheDenyRule() {
        Explanation e = PolicyEngine.evaluate(w.image, "prod/legacy", "prod/api", Protocol.TCP, 8080);
        assertThat(e.verdict()).isEqualTo(Verdict.DENY);
        assertThat(e.reasons()).anySatisfy(r -> {
            assertThat(r.direction()).isEqualTo(Direction.INGRESS);
            assertThat(r.policy()).isEqualTo("shop/no-legacy");
            assertThat(r.rule()).isZero();
            assertThat(r.verdict()).isEqualTo(Verdict.DENY);
        });
        assertThat(e.reasons()).noneMatch(r -> r.direction() == Direction.INGRESS && r.verdict() == Verdict.ALLOW);
    }

    @Test
    void allowsAddUpAndExplainListsEveryAllowingRule() {
        Explanation e = PolicyEngine.evaluate(w.image, "prod/mon", "prod/api", Protocol.TCP, 9095);
        assertThat(e.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(e.reasons().stream().filter(r -> r.direction() == Direction.INGRESS).map(Reason::policy))
                .containsExactly("shop/api-in", "shop/api-metrics");
        assertThat(e.reasons()).anySatisfy(r -> assertThat(r.policy()).isEqualTo("monitoring/out"));
    }

    @Test
    void defaultsAreNamedWhenNoRuleDecides() {
        Explanation deny = PolicyEngine.evaluate(w.image, "prod/db", "1.1.1.1", Protocol.TCP, 443);
        assertThat(deny.reasons()).singleElement().satisfies(r -> {
            assertThat(r.policy()).isNull();
            assertThat(r.text()).contains("network prod denies by default");
        });
        Explanation isolated = PolicyEngine.evaluate(w.image, "lab/c", "lab/a", Protocol.TCP, 22);
        assertThat(isolated.reasons()).anySatisfy(r -> assertThat(r.text()).contains("isolated for egress by default/c-no-egress"));
        Explanation open = PolicyEngine.evaluate(w.image, "lab/b", "lab/a", Protocol.TCP, 22);
        assertThat(open.reasons()).allSatisfy(r -> assertThat(r.text()).contains("allows by default"));
    }

    @Test
    void anAddressOfAnEndpointIsThatEndpointAndUnknownEndpointsAreErrors() {
        String apiIp = w.image.endpoint("prod", "api").orElseThrow().ip().toString();
        assertThat(PolicyEngine.evaluate(w.image, "prod/web", apiIp, Protocol.TCP, 8080).verdict())
                .isEqualTo(Verdict.ALLOW);
        assertThat(PolicyEngine.evaluate(w.image, "web", "api", Protocol.TCP, 8080).to()).isEqualTo("prod/api");
        assertThatThrownBy(() -> PolicyEngine.evaluate(w.image, "prod/nope", "prod/api", Protocol.TCP, 1))
                .isInstanceOf(PolicyEngine.Unresolved.class).hasMessageContaining("prod/nope not found");
    }

    @Test
    void selectorsFollowKubernetesMeaning() {
        assertThat(Selector.ALL.matches(java.util.Map.of("a", "b"))).isTrue();
        Selector s = Selector.parse("app=web,tier!=db,team,!legacy");
        assertThat(s.matches(java.util.Map.of("app", "web", "team", "x"))).isTrue();
        assertThat(s.matches(java.util.Map.of("app", "web", "team", "x", "tier", "db"))).isFalse();
        assertThat(s.matches(java.util.Map.of("app", "web"))).isFalse();
        assertThat(s.matches(java.util.Map.of("app", "web", "team", "x", "legacy", "true"))).isFalse();
        assertThat(new Requirement("env", Requirement.Operator.IN, List.of("a", "b")).matches(java.util.Map.of("env", "b")))
                .isTrue();
        assertThat(new Requirement("env", Requirement.Operator.NOT_IN, List.of("a")).matches(java.util.Map.of()))
                .isTrue();
    }

    @Test
    void malformedRulesAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> new PortRange(Protocol.ICMP, 1, 1)).hasMessageContaining("no ports");
        assertThatThrownBy(() -> new PortRange(Protocol.TCP, 90, 80)).hasMessageContaining("ends before");
        assertThatThrownBy(() -> Peer.cidr(Cidr.parse("10.0.0.0/8"), List.of(Cidr.parse("11.0.0.0/16"))))
                .hasMessageContaining("not inside");
        assertThatThrownBy(() -> new Peer(sel("a=b"), null, null, Cidr.parse("10.0.0.0/8"), null, null))
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new Policy("shop", "p", Selector.ALL, null, Set.of(),
                List.of(Rule.allow(null, null)), null)).hasMessageContaining("does not isolate ingress");
        assertThatThrownBy(() -> new PolicyTest("prod/web", "prod/api", Protocol.TCP, 0, Verdict.ALLOW))
                .hasMessageContaining("port 0");
        assertThatThrownBy(() -> FlowEnd.parse("a b")).hasMessageContaining("is not world");
    }
}
