package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.nft.PolicyPlan;
import dev.qnf.agent.nft.PolicyPlan.Addresses;
import dev.qnf.agent.nft.PolicyPlan.AllEndpoints;
import dev.qnf.agent.nft.PolicyPlan.Identities;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.qnf.agent.reconcile.Fixtures.NODE;
import static dev.qnf.agent.reconcile.Fixtures.ep;
import static dev.qnf.agent.reconcile.Fixtures.net;
import static org.assertj.core.api.Assertions.assertThat;

/** The model → plan compiler, without root: which rules, peers and isolation each local identity gets. */
class PolicyPlanBuilderTest {
    static final NetworkView A = net("a", "10.1.0.0/24", "10.1.0.1", true);
    static final Map<String, String> WEB = Map.of("app", "web");
    static final Map<String, String> DB = Map.of("app", "db");
    static final Map<String, String> CLIENT = Map.of("app", "client");
    static final List<IdentityView> IDS = List.of(
            new IdentityView(256, "a", dev.qnf.fabric.policy.Labels.identityLabels(WEB)),
            new IdentityView(257, "a", dev.qnf.fabric.policy.Labels.identityLabels(DB)),
            new IdentityView(258, "a", dev.qnf.fabric.policy.Labels.identityLabels(CLIENT)));
    static final List<AllocationView> EPS = List.of(ep("a", "web1", NODE, "10.1.0.2", "c1", WEB),
            ep("a", "db1", NODE, "10.1.0.3", "c2", DB), ep("a", "client1", "elsewhere", "10.1.0.4", "c3", CLIENT));

    static PolicyPlan plan(List<PolicyView> policies, Map<String, String> defaults) {
        FabricView view = FabricView.of(new ViewSnapshot(5, List.of(A), EPS, policies, IDS, defaults));
        List<Endpoint> local = view.endpointsOn(NODE);
        return PolicyPlanBuilder.build(view, local).plan();
    }

    static PolicyView policy(String name, Map<String, String> selector, List<RuleView> ingress, List<RuleView> egress,
                             List<String> isolate) {
        return new PolicyView("default", name, new SelectorView(selector, null), null, isolate, ingress, egress, null);
    }

    static PeerView labels(Map<String, String> l) {
        return new PeerView(new SelectorView(l, null), null, null, null, null, null);
    }

    @Test
    void aDefaultDenyNetworkIsolatesEveryLocalIdentityAndRulesSelectByIdentity() {
        PolicyPlan p = plan(List.of(policy("web", WEB, List.of(new RuleView("allow", List.of(labels(CLIENT)), null,
                List.of(new PortView("tcp", 80, 90)))), null, null)), Map.of());
        assertThat(p.isolatedEgress()).containsExactly(256, 257);
        assertThat(p.isolatedIngress()).containsExactly(256, 257);
        assertThat(p.identities()).containsEntry(258, new java.util.TreeSet<>(Set.of(IpAddress.parse("10.1.0.4"))))
                .as("remote endpoints have their identity too");
        assertThat(p.rules()).containsExactly(new PolicyPlan.Rule(PolicyPlan.Direction.INGRESS, Set.of(256),
                new Identities(new java.util.TreeSet<>(Set.of(258))), PolicyPlan.Protocol.TCP, 80, 90,
                PolicyPlan.Verdict.ALLOW, "default/web"));
    }

    @Test
    void aDefaultAllowNetworkIsolatesOnlyWhatAPolicyIsolates() {
        PolicyPlan p = plan(List.of(policy("db", DB, null, null, List.of("ingress"))), Map.of("a", "allow"));
        assertThat(p.isolatedIngress()).containsExactly(257);
        assertThat(p.isolatedEgress()).isEmpty();
        assertThat(p.rules()).isEmpty();
    }

    @Test
    void peersBecomeIdentitiesAddressesOrEverythingAndTheHostIsNotOnThePath() {
        RuleView anyPeer = new RuleView("deny", null, null, List.of(new PortView("udp", null, null)));
        RuleView cidr = new RuleView("allow", null, List.of(new PeerView(null, null, null, "192.0.2.0/24",
                List.of("192.0.2.128/25"), null)), null);
        RuleView host = new RuleView("allow", null, List.of(new PeerView(null, null, null, null, null, "host")), null);
        RuleView world = new RuleView("allow", null, List.of(new PeerView(null, null, null, null, null, "world")), null);
        PolicyPlan p = plan(List.of(policy("web", WEB, List.of(anyPeer), List.of(cidr, host, world), null)), Map.of());
        assertThat(p.rules()).extracting(PolicyPlan.Rule::peer).containsExactly(AllEndpoints.INSTANCE,
                Addresses.of("0.0.0.0/0", "::/0"), new Addresses(List.of(Cidr.parse("192.0.2.0/24")),
                        List.of(Cidr.parse("192.0.2.128/25"))), Addresses.of("0.0.0.0/0", "::/0"));
        assertThat(p.rules().get(0).protocol()).isEqualTo(PolicyPlan.Protocol.UDP);
        assertThat(p.rules().get(0).portTo()).isEqualTo(65535);
        assertThat(p.rules().get(2).protocol()).as("no ports: any protocol").isEqualTo(PolicyPlan.Protocol.ANY);
    }

    @Test
    void policiesOfIdentitiesWithoutALocalEndpointAreLeftToTheirHosts() {
        PolicyPlan p = plan(List.of(policy("client", CLIENT, null, List.of(new RuleView("allow", null,
                List.of(labels(WEB)), null)), null)), Map.of());
        assertThat(p.rules()).isEmpty();
        assertThat(p.isolatedEgress()).doesNotContain(258);
    }

    @Test
    void aLocalEndpointWhoseIdentityIsNotKnownYetFailsClosed() {
        FabricView view = FabricView.of(new ViewSnapshot(5, List.of(A), EPS, List.of(), List.of(), Map.of("a", "allow")));
        Endpoint fresh = new Endpoint("a", "new", NODE, IpAddress.parse("10.1.0.9"), null, "c9", "eth0", null,
                Map.of("app", "new"));
        PolicyPlanBuilder.Result r = PolicyPlanBuilder.build(view, List.of(fresh));
        assertThat(r.local()).containsEntry(RulesetBuilder.rulesetId(fresh), PolicyPlanBuilder.UNKNOWN);
        assertThat(r.plan().isolatedEgress()).containsExactly(PolicyPlanBuilder.UNKNOWN);
        assertThat(r.plan().isolatedIngress()).containsExactly(PolicyPlanBuilder.UNKNOWN);
        assertThat(r.plan().identities().get(PolicyPlanBuilder.UNKNOWN)).containsExactly(IpAddress.parse("10.1.0.9"));
    }

    static FabricView changed(FabricView v, String key, Object object) {
        return v.apply(dev.qnf.api.json.WatchMessage.events(v.revision() + 1, List.of(new dev.qnf.api.json.WatchMessage.Event(
                dev.qnf.api.json.WatchMessage.Event.PUT, key, dev.qnf.api.json.Json.lenient().valueToTree(object)))));
    }

    @Test
    void watchEventsRecompileWhatChangedAndUnchangedPoliciesSeeNewIdentities() {
        Map<String, String> canary = Map.of("tier", "canary");
        PolicyView web = policy("web", WEB, List.of(new RuleView("allow", List.of(labels(CLIENT)), null,
                List.of(new PortView("tcp", 80, null)))), null, null);
        PolicyView db = policy("db", DB, List.of(new RuleView("allow", List.of(labels(canary)), null, null)), null, null);
        FabricView v1 = FabricView.of(new ViewSnapshot(5, List.of(A), EPS, List.of(web, db), IDS, Map.of()));
        PolicyPlan p1 = PolicyPlanBuilder.build(v1, v1.endpointsOn(NODE)).plan();
        assertThat(p1.rules()).extracting(PolicyPlan.Rule::policy).as("db's peer matches no identity yet")
                .containsExactly("default/web");

        PolicyView web443 = policy("web", WEB, List.of(new RuleView("allow", List.of(labels(CLIENT)), null,
                List.of(new PortView("tcp", 443, null)))), null, null);
        FabricView v2 = changed(v1, "policy/default/web", web443);
        PolicyPlan p2 = PolicyPlanBuilder.build(v2, v2.endpointsOn(NODE)).plan();
        assertThat(p2.rules()).extracting(PolicyPlan.Rule::portFrom).containsExactly(443);

        FabricView v3 = changed(v2, "identity/259", new IdentityView(259, "a",
                dev.qnf.fabric.policy.Labels.identityLabels(canary)));
        PolicyPlan p3 = PolicyPlanBuilder.build(v3, v3.endpointsOn(NODE)).plan();
        assertThat(p3.rules()).filteredOn(r -> r.policy().equals("default/db")).singleElement()
                .extracting(PolicyPlan.Rule::peer).as("an unchanged policy's peers follow the identities")
                .isEqualTo(new Identities(new java.util.TreeSet<>(Set.of(259))));
        assertThat(p3.rules()).filteredOn(r -> r.policy().equals("default/web")).singleElement()
                .extracting(PolicyPlan.Rule::portFrom).isEqualTo(443);

        FabricView v4 = changed(v3, "policy-default/a", new dev.qnf.api.json.PolicyDefaultView("a", "allow"));
        PolicyPlan p4 = PolicyPlanBuilder.build(v4, v4.endpointsOn(NODE)).plan();
        assertThat(p4.isolatedIngress()).as("web and db isolated by their allow rules only").containsExactly(256, 257);
        assertThat(p4.isolatedEgress()).isEmpty();
    }
}
