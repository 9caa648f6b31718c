package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.FakeLinkOps;
import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.nft.FakeFirewall;
import dev.qnf.agent.nft.NftException;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.qnf.agent.reconcile.Fixtures.NODE;
import static dev.qnf.agent.reconcile.Fixtures.att;
import static dev.qnf.agent.reconcile.Fixtures.dual;
import static dev.qnf.agent.reconcile.Fixtures.ep;
import static dev.qnf.agent.reconcile.Fixtures.net;
import static dev.qnf.agent.reconcile.Fixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

/** The reconcile logic against fakes: no root, no kernel. */
class ReconcilerTest {
    static final NetworkView BLUE = net("blue", "10.1.0.0/24", "10.1.0.1", true);
    static final NetNs ELSEWHERE = NetNs.of("/var/run/netns/somewhere");

    final FakeLinkOps links = new FakeLinkOps();
    final FakeFirewall firewall = new FakeFirewall();
    final Fixtures.FakeDns dns = new Fixtures.FakeDns();
    final Fixtures.FakeSysctls sysctls = new Fixtures.FakeSysctls();
    final Reconciler reconciler = new Reconciler(links, firewall, dns, sysctls);
    final Fixtures.Inputs in = new Fixtures.Inputs();

    @Test
    void buildsTheBridgeWithGatewayMtuPinnedMacAndServesRulesAndDns() {
        in.view = view(3, List.of(dual("blue", "10.1.0.0/24", "10.1.0.1", "fd00:1::/64", "fd00:1::1")),
                ep("blue", "a", NODE, "10.1.0.2", "ca", null));
        Reconciler.Report r = reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);

        assertThat(r.ok()).as(r.errors().toString()).isTrue();
        Link br = links.link("qnf-blue").orElseThrow();
        assertThat(br.isBridge()).isTrue();
        assertThat(br.up()).isTrue();
        assertThat(br.mtu()).isEqualTo(1500);
        assertThat(br.mac()).isEqualTo("0a:58:0a:01:00:01");
        assertThat(links.addresses("qnf-blue")).extracting(a -> a.ip() + "/" + a.prefix())
                .containsExactlyInAnyOrder("10.1.0.1/24", "fd00:1::1/64");
        assertThat(firewall.applied()).isEqualTo(in.desired().ruleset());
        assertThat(dns.zones).containsOnlyKeys("blue");
        assertThat(sysctls.v4).isTrue();
        assertThat(sysctls.v6).isTrue();
    }

    @Test
    void aSecondPassChangesNothing() {
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));
        in.view = view(3, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null));
        links.createVeth(HostNames.veth("blue", "a"), "eth0", 1450, ELSEWHERE);
        reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);
        List<Link> before = links.links();
        int states = firewall.history().size();

        Reconciler.Report again = reconciler.converge(in.desired(), Reconciler.Mode.APPLY);

        assertThat(again.changes()).isEmpty();
        assertThat(links.links()).isEqualTo(before);
        assertThat(firewall.history()).hasSize(states);
    }

    @Test
    void adoptsWhatItFindsAndRepairsIt() {
        String veth = HostNames.veth("blue", "a");
        links.createBridge("qnf-blue", 1450);
        links.createVeth(veth, "eth0", 1450, ELSEWHERE);   // down, not on the bridge (a half-done ADD, say)
        int bridgeIndex = links.link("qnf-blue").orElseThrow().index();
        int vethIndex = links.link(veth).orElseThrow().index();
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));

        Reconciler.Report r = reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);

        assertThat(r.ok()).isTrue();
        assertThat(links.link("qnf-blue").orElseThrow().index()).as("kept, not recreated").isEqualTo(bridgeIndex);
        Link v = links.link(veth).orElseThrow();
        assertThat(v.index()).isEqualTo(vethIndex);
        assertThat(v.masterIndex()).isEqualTo(bridgeIndex);
        assertThat(v.up()).isTrue();
    }

    @Test
    void collectsStaleQnfLinksOnlyAndOnlyOnceTheViewIsKnown() {
        links.createBridge("qnf-gone", 1500);
        links.createBridge("docker0", 1500);
        links.createVeth("qv0123456789ab", "eth0", 1500, ELSEWHERE);   // no attachment, not in the view
        links.createVeth("veth1234", "eth0", 1500, ELSEWHERE);         // not ours
        links.createVeth("qvshort", "eth0", 1500, ELSEWHERE);          // not our naming
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));
        links.createVeth(HostNames.veth("blue", "a"), "eth0", 1450, ELSEWHERE);

        reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);
        assertThat(links.link("qnf-gone")).as("fresh agent, nothing known: no deletions").isPresent();
        assertThat(links.link("qv0123456789ab")).isPresent();

        in.view = view(7, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null));
        Reconciler.Report r = reconciler.converge(in.desired(), Reconciler.Mode.APPLY);

        assertThat(r.changes()).contains("deleted stale bridge qnf-gone", "deleted stale veth qv0123456789ab");
        assertThat(links.links()).extracting(Link::name).contains("docker0", "veth1234", "qvshort", "qnf-blue",
                HostNames.veth("blue", "a")).doesNotContain("qnf-gone", "qv0123456789ab");
    }

    @Test
    void removesAddressesThatDoNotBelongButKeepsLinkLocalOnes() {
        links.createBridge("qnf-blue", 1450);
        links.addAddress("qnf-blue", IpAddress.parse("10.9.9.1"), 24);
        links.addAddress("qnf-blue", IpAddress.parse("fe80::1"), 64);
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));

        reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);

        assertThat(links.addresses("qnf-blue")).extracting(a -> a.ip().toString())
                .containsExactlyInAnyOrder("10.1.0.1", "fe80::1");
    }

    @Test
    void failStaticAFrozenViewKeepsEverythingPassAfterPass() {
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 5));
        in.view = view(5, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null),
                ep("blue", "b", NODE, "10.1.0.3", "c-b", null));
        links.createVeth(HostNames.veth("blue", "a"), "eth0", 1450, ELSEWHERE);
        links.createVeth(HostNames.veth("blue", "b"), "eth0", 1450, ELSEWHERE);
        reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);
        List<Link> programmed = links.links();
        // the control plane goes away: the view stops changing, passes keep running
        for (int i = 0; i < 3; i++) {
            Reconciler.Report r = reconciler.converge(in.desired(), i % 2 == 0 ? Reconciler.Mode.ADOPT : Reconciler.Mode.APPLY);
            assertThat(r.changes()).isEmpty();
        }
        assertThat(links.links()).isEqualTo(programmed);
        assertThat(firewall.applied().endpoints()).hasSize(2);
    }

    @Test
    void aRefusedFirewallChangeIsReportedTheRestIsDoneAndTheNextPassRetries() {
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));
        firewall.failNext(new NftException("Error: Could not process rule", "add element inet qnf ep4 { 10.1.0.2 }"));

        Reconciler.Report r = reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);

        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).anyMatch(e -> e.startsWith("firewall"));
        assertThat(links.link("qnf-blue")).isPresent();
        assertThat(dns.zones).containsKey("blue");
        assertThat(reconciler.converge(in.desired(), Reconciler.Mode.APPLY).ok()).isTrue();
        assertThat(firewall.applied()).isEqualTo(in.desired().ruleset());
    }

    @Test
    void dnsThatCannotStartIsAnErrorOfItsOwn() {
        in.attachments.add(att(BLUE, "a", "10.1.0.2", 1));
        dns.failing = "blue";
        Reconciler.Report r = reconciler.converge(in.desired(), Reconciler.Mode.ADOPT);
        assertThat(r.errors()).containsExactly("dns blue: bind: address not available");
        assertThat(firewall.applied()).isNotNull();
    }
}
