package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.PortMap;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.qnf.agent.reconcile.Fixtures.NODE;
import static dev.qnf.agent.reconcile.Fixtures.att;
import static dev.qnf.agent.reconcile.Fixtures.ep;
import static dev.qnf.agent.reconcile.Fixtures.net;
import static dev.qnf.agent.reconcile.Fixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateTest {
    static final NetworkView BLUE = net("blue", "10.1.0.0/24", "10.1.0.1", true);
    static final NetworkView RED = net("red", "10.2.0.0/24", "10.2.0.1", false);

    @Test
    void networksWithALocalEndpointGetABridgeTheOthersDoNot() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.view = view(10, List.of(BLUE, RED), ep("blue", "a", NODE, "10.1.0.2", "ca", null),
                ep("red", "b", "n2", "10.2.0.2", "cb", null));
        DesiredState d = in.desired();
        assertThat(d.networks()).containsOnlyKeys("blue");
        assertThat(d.networks().get("blue").bridge()).isEqualTo("qnf-blue");
        assertThat(d.veths()).containsEntry(HostNames.veth("blue", "a"), "qnf-blue").hasSize(1);
        assertThat(d.ruleset().endpoints()).containsOnlyKeys("blue:a");
        assertThat(d.gcAllowed()).isTrue();
    }

    @Test
    void eachLocalEndpointIsHeldToItsBridgePortAndMac() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 12));
        // known to the view only (its record lost): the veth QNF names for it, and the view's MAC if it is one
        in.view = view(12, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null),
                ep("blue", "b", NODE, "10.1.0.3", "cb", null));
        DesiredState d = in.desired();
        assertThat(d.ruleset().endpoints().get("blue:a").port())
                .isEqualTo(new Ruleset.Port(HostNames.veth("blue", "a"), "0a:58:00:00:00:01"));
        assertThat(d.ruleset().endpoints().get("blue:b").port())
                .as("no MAC in the view: held to its addresses only")
                .isEqualTo(new Ruleset.Port(HostNames.veth("blue", "b"), null));
    }

    @Test
    void attachmentsCountBeforeTheViewKnowsThemAndBringTheirOwnNetworkSpec() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 12, PortMap.tcp(8080, 80)));
        DesiredState d = in.desired();
        assertThat(d.gcAllowed()).as("nothing known from the control plane yet").isFalse();
        assertThat(d.networks()).containsOnlyKeys("blue");
        assertThat(d.networks().get("blue").network().mtu()).isEqualTo(1450);
        assertThat(d.ruleset().ports()).containsExactly(Ruleset.PortMapping.tcp(8080, "10.1.0.2", 80));
        assertThat(d.dns().get("blue").records().names()).contains("a");
        assertThat(d.orphaned()).isEmpty();
    }

    @Test
    void anAttachmentIsOrphanedOnlyOnceTheViewHasMovedPastItAndDisagrees() {
        LocalAttachment a = att(BLUE, "a", "10.1.0.2", 20);
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.attachments.add(a);
        in.view = view(19, List.of(BLUE));
        assertThat(in.desired().orphaned()).as("view older than the allocation").isEmpty();
        in.view = view(25, List.of(BLUE));
        assertThat(in.desired().orphaned()).as("released through the API").containsExactly(a);
        assertThat(in.desired().veths()).isEmpty();
        in.view = view(25, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.9", "c-a", null));
        assertThat(in.desired().orphaned()).as("same id, another address").containsExactly(a);
        in.view = view(25, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null));
        assertThat(in.desired().orphaned()).isEmpty();
    }

    /**
     * The regression behind "relabelled podman containers are denied whatever the policy says": the attachment
     * keeps the labels of its ADD, and they used to decide the identity for ever.
     */
    @Test
    void labelsWrittenAfterTheAddDecideTheIdentityOnceTheViewHasThem() {
        Map<String, String> web = Map.of("app", "web", "name", "a");
        IdentityView webIdentity = new IdentityView(256, "blue", Labels.identityLabels(web));
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 20)); // labels of the ADD: just the name

        in.view = FabricView.of(new ViewSnapshot(19, List.of(BLUE), List.of(), List.of(), List.of(webIdentity),
                Map.of()));
        assertThat(in.desired().ruleset().endpoints().get("blue:a").identity())
                .as("view older than the ADD: the ADD's labels, whose identity is not known yet")
                .isEqualTo(PolicyPlanBuilder.UNKNOWN);

        in.view = FabricView.of(new ViewSnapshot(24, List.of(BLUE), List.of(ep("blue", "a", NODE, "10.1.0.2", "c-a",
                web)), List.of(), List.of(webIdentity), Map.of()));
        DesiredState d = in.desired();
        assertThat(d.orphaned()).isEmpty();
        assertThat(d.ruleset().endpoints().get("blue:a").identity()).as("labelled through the API after the ADD")
                .isEqualTo(256);
        assertThat(d.ruleset().policy().identities().get(256)).containsExactly(IpAddress.parse("10.1.0.2"));
    }

    @Test
    void pendingReleasesAreNotLocalAnyMore() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.view = view(10, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "ca", null),
                ep("blue", "b", NODE, "10.1.0.3", "cb", null));
        in.pending.add(LocalAttachment.key("blue", "a"));
        DesiredState d = in.desired();
        assertThat(d.veths()).containsOnlyKeys(HostNames.veth("blue", "b"));
        assertThat(d.dns().get("blue").records().names()).containsExactly("b");
    }

    @Test
    void dnsNamesTheWholeNetworkWithAliasesButOnlyLocalAddressesReachTheFirewall() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.view = view(10, List.of(BLUE), ep("blue", "web", NODE, "10.1.0.2", "c1",
                Map.of("alias.qnf.dev/www", "true")), ep("blue", "db", "n2", "10.1.0.70", "c2", null));
        DesiredState d = in.desired();
        DnsRecords r = d.dns().get("blue").records();
        assertThat(r.names()).contains("web", "db", "www");
        assertThat(r.serial()).isEqualTo(10);
        assertThat(d.ruleset().endpoints().values()).extracting(Ruleset.Endpoint::ip4)
                .containsExactly(IpAddress.parse("10.1.0.2"));
    }

    @Test
    void conflictsAreResolvedFirstComeRatherThanBreakingTheHost() {
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 5, PortMap.tcp(80, 8080)));
        in.attachments.add(att(BLUE, "b", "10.1.0.3", 5, PortMap.tcp(80, 9090)));
        in.view = view(4, List.of(BLUE), ep("blue", "z", NODE, "10.1.0.2", "cz", null));
        DesiredState d = in.desired();
        assertThat(d.ruleset().endpoints()).containsOnlyKeys("blue:a", "blue:b");
        assertThat(d.ruleset().ports()).hasSize(1);
        assertThat(d.ruleset().ports().get(0).port()).isEqualTo(8080);
    }

    @Test
    void overlappingNetworksAreNotBothProgrammed() {
        NetworkView other = net("other", "10.1.0.0/16", "10.1.255.1", false);
        Fixtures.Inputs in = new Fixtures.Inputs();
        in.view = view(4, List.of(BLUE, other), ep("blue", "a", NODE, "10.1.0.2", "ca", null),
                ep("other", "b", NODE, "10.1.7.2", "cb", null));
        assertThat(in.desired().networks()).containsOnlyKeys("blue");
    }

    @Test
    void longNetworkNamesGetAHashedBridgeName() {
        assertThat(HostNames.bridge("abcdefghijk")).isEqualTo("qnf-abcdefghijk");
        assertThat(HostNames.bridge("abcdefghijklm")).hasSize(15).startsWith("qnf-abcdef-");
        assertThat(HostNames.bridge("abcdefghijklm")).isNotEqualTo(HostNames.bridge("abcdefghijkln"));
        assertThat(HostNames.veth("blue", "a")).matches("qv[0-9a-f]{12}").isEqualTo(HostNames.veth("blue", "a"));
    }
}
