package dev.qnf.mesh;

import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.NodeMesh;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.X25519;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.qnf.mesh.Fixtures.cidrs;
import static org.assertj.core.api.Assertions.assertThat;

class MeshTopologyTest {
    private static Node node(String name, String site, String ip, String publicEndpoint, boolean gateway) {
        return new Node(name, site, List.of(ip), X25519.publicOf(X25519.generatePrivate()).base64(), 0,
                new NodeMesh(ip + ":51820", publicEndpoint, gateway, null));
    }

    private static Block block(String node, String cidr) {
        return new Block("net", Cidr.parse(cidr), node);
    }

    private final Node a1 = node("a1", "a", "192.0.2.1", null, false);
    private final Node a2 = node("a2", "a", "192.0.2.2", "203.0.113.2:51820", true);
    private final Node b1 = node("b1", "b", "10.20.0.1", null, false);
    private final Node b2 = node("b2", "b", "10.20.0.2", null, false);
    private final List<Block> blocks = List.of(block("a1", "10.1.0.0/26"), block("a1", "fd00:1::/80"),
            block("a2", "10.1.0.64/26"), block("b1", "10.1.0.128/26"), block("b2", "10.1.0.192/26"),
            new Block("net", Cidr.parse("10.1.1.0/26"), null));

    @Test
    void sameSiteIsAFullMeshOverSiteEndpoints() {
        MeshPlan p = MeshTopology.plan("b1", List.of(b1, b2), blocks, 25);
        assertThat(p.peers()).containsExactly(new PeerConfig(Fixtures.keyOf(b2), UdpEndpoint.parse("10.20.0.2:51820"),
                cidrs("10.1.0.192/26"), 0));
        assertThat(p.routes()).containsExactly(Cidr.parse("10.1.0.192/26"));
        assertThat(p.paths()).isEqualTo(Map.of("b2", MeshPlan.Path.DIRECT));
    }

    @Test
    void theNattedSideDialsThePublicOneWithKeepaliveAndThePublicSideLearns() {
        MeshPlan fromB = MeshTopology.plan("b1", List.of(a2, b1), blocks, 25);
        assertThat(fromB.peers()).containsExactly(new PeerConfig(Fixtures.keyOf(a2),
                UdpEndpoint.parse("203.0.113.2:51820"), cidrs("10.1.0.64/26"), 25));
        MeshPlan fromA = MeshTopology.plan("a2", List.of(a2, b1), blocks, 25);
        assertThat(fromA.peers()).containsExactly(new PeerConfig(Fixtures.keyOf(b1), null, cidrs("10.1.0.128/26"), 0));
    }

    @Test
    void unreachablePairsGoThroughTheSameGatewayBothWays() {
        List<Node> all = List.of(a1, a2, b1, b2);
        MeshPlan fromA1 = MeshTopology.plan("a1", all, blocks, 25);
        assertThat(fromA1.paths()).containsEntry("b1", new MeshPlan.Path("a2")).containsEntry("a2", MeshPlan.Path.DIRECT);
        assertThat(fromA1.peers()).extracting(PeerConfig::publicKey).containsExactly(Fixtures.keyOf(a2));
        assertThat(fromA1.peers().get(0).allowedIps())
                .containsExactlyInAnyOrderElementsOf(cidrs("10.1.0.64/26", "10.1.0.128/26", "10.1.0.192/26"));
        assertThat(fromA1.routes()).contains(Cidr.parse("10.1.0.128/26"), Cidr.parse("10.1.0.192/26"));

        MeshPlan fromB1 = MeshTopology.plan("b1", all, blocks, 25);
        assertThat(fromB1.paths()).containsEntry("a1", new MeshPlan.Path("a2"));
        PeerConfig gw = fromB1.peers().stream().filter(p -> p.publicKey().equals(Fixtures.keyOf(a2))).findFirst().orElseThrow();
        assertThat(gw.allowedIps()).contains(Cidr.parse("10.1.0.0/26"), Cidr.parse("fd00:1::/80"));
        assertThat(gw.keepaliveSeconds()).isEqualTo(25);

        MeshPlan fromGateway = MeshTopology.plan("a2", all, blocks, 25);
        assertThat(fromGateway.paths().values()).allMatch(MeshPlan.Path::direct);
        assertThat(fromGateway.peers()).hasSize(3);
    }

    @Test
    void withoutAnyGatewayAnUnreachablePairHasNoTunnel() {
        MeshPlan p = MeshTopology.plan("a1", List.of(a1, b1), blocks, 25);
        assertThat(p.peers()).isEmpty();
        assertThat(p.routes()).isEmpty();
    }

    @Test
    void nodesOutsideTheMeshOrWithoutAKeyAreLeftOutAndTunnelAddressesAreAllowed() {
        Node plain = new Node("plain", "a", List.of("192.0.2.9"), "", 0);
        Node noKey = new Node("nokey", "a", List.of(), "garbage", 0, new NodeMesh("192.0.2.8:1", null, false, null));
        Node withTunnel = new Node("t", "a", List.of(), a2.publicKey(), 0,
                new NodeMesh("192.0.2.7:51820", null, false, "100.96.0.7"));
        MeshPlan p = MeshTopology.plan("a1", List.of(a1, plain, noKey, withTunnel), blocks, 25);
        assertThat(p.peers()).singleElement().extracting(PeerConfig::allowedIps).isEqualTo(cidrs("100.96.0.7/32"));
        assertThat(MeshTopology.plan("plain", List.of(a1, plain), blocks, 25).peers()).isEmpty();
    }
}
