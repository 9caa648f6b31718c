package dev.qnf.mesh;

import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.NodeMesh;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerPathsTest {
    private static Node node(String name, String site, String ip, String publicEndpoint, boolean gateway) {
        return new Node(name, site, List.of(ip), X25519.publicOf(X25519.generatePrivate()).base64(), 0,
                new NodeMesh(ip + ":51820", publicEndpoint, gateway, null));
    }

    @Test
    void aRelayedNodeShowsItsGatewaysPeerEntry() {
        Node a1 = node("a1", "a", "192.0.2.1", "192.0.2.1:51820", true);
        Node a2 = node("a2", "a", "192.0.2.2", null, false);
        Node b1 = node("b1", "b", "10.0.0.1", null, false);
        Node plain = new Node("plain", "a", List.of(), "", 0);
        Instant hs = Instant.ofEpochSecond(1_700_000_000);
        DeviceStatus device = new DeviceStatus(null, 51820, List.of(new PeerStatus(WgKey.fromBase64(a1.publicKey()),
                UdpEndpoint.parse("192.0.2.1:51820"), List.of(), 0, hs, 100, 200)));

        List<PeerPaths.PeerRow> rows = PeerPaths.rows("a2", List.of(a1, a2, b1, plain), device);

        assertThat(rows).containsExactly(
                new PeerPaths.PeerRow("a1", "a", "direct", "192.0.2.1:51820", hs, 100L, 200L),
                new PeerPaths.PeerRow("b1", "b", "a1", "192.0.2.1:51820", hs, 100L, 200L));
        assertThat(rows).extracting(PeerPaths.PeerRow::path).containsExactly("direct", "via a1");
    }

    @Test
    void aWantedPeerNotYetOnTheDeviceHasNoFigures() {
        Node a1 = node("a1", "a", "192.0.2.1", null, false);
        Node a2 = node("a2", "a", "192.0.2.2", null, false);
        assertThat(PeerPaths.rows("a2", List.of(a1, a2), new DeviceStatus(null, 0, List.of())))
                .containsExactly(new PeerPaths.PeerRow("a1", "a", "direct", null, null, null, null));
    }
}
