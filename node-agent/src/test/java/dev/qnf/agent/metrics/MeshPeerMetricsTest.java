package dev.qnf.agent.metrics;

import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.NodeMesh;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.PeerStatus;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The mesh status figures as Prometheus meters, from a fake device: per peer and path, updated, removed. */
class MeshPeerMetricsTest {
    private static Node node(String name, String site, String ip, String publicEndpoint, boolean gateway) {
        return new Node(name, site, List.of(ip), X25519.publicOf(X25519.generatePrivate()).base64(), 0,
                new NodeMesh(ip + ":51820", publicEndpoint, gateway, null));
    }

    private static PeerStatus peer(Node n, Instant handshake, long rx, long tx) {
        return new PeerStatus(WgKey.fromBase64(n.publicKey()), UdpEndpoint.parse(n.mesh().endpoint()), List.of(), 0,
                handshake, rx, tx);
    }

    @Test
    void perPeerFiguresFollowTheDeviceAndGoWithThePeer() throws Exception {
        Node a1 = node("a1", "a", "192.0.2.1", "192.0.2.1:51820", true);
        Node a2 = node("a2", "a", "192.0.2.2", null, false);
        Node a3 = node("a3", "a", "192.0.2.3", null, false);
        Node b1 = node("b1", "b", "10.0.0.1", null, false);
        List<Node> nodes = new ArrayList<>(List.of(a1, a2, a3, b1));
        Instant hs = Instant.ofEpochSecond(1_700_000_000);
        AtomicReference<DeviceStatus> device = new AtomicReference<>(null);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeshPeerMetrics metrics = new MeshPeerMetrics(registry, "a2", () -> List.copyOf(nodes), device::get);

        metrics.refresh(); // no device yet: nothing per peer
        assertThat(registry.scrape()).doesNotContain("qnf_mesh_peer_");

        // a3 is wanted but not on the device yet: no figures for it
        device.set(new DeviceStatus(null, 51820, List.of(peer(a1, hs, 100, 200))));
        metrics.refresh();
        String body = registry.scrape();
        assertThat(body).contains("qnf_mesh_peers 1.0")
                .contains("qnf_mesh_peer_last_handshake_seconds{peer=\"a1\",via=\"direct\"} 1.7E9")
                .contains("qnf_mesh_peer_rx_bytes_total{peer=\"a1\",via=\"direct\"} 100.0")
                .contains("qnf_mesh_peer_tx_bytes_total{peer=\"a1\",via=\"direct\"} 200.0")
                // b1 (other site, neither reachable) goes through the gateway a1: its entry's figures
                .contains("qnf_mesh_peer_rx_bytes_total{peer=\"b1\",via=\"a1\"} 100.0")
                .doesNotContain("peer=\"a3\"");

        device.set(new DeviceStatus(null, 51820, List.of(peer(a1, hs.plusSeconds(5), 150, 260),
                peer(a3, null, 0, 148))));
        metrics.refresh();
        body = registry.scrape();
        assertThat(body).contains("qnf_mesh_peers 2.0")
                .contains("qnf_mesh_peer_last_handshake_seconds{peer=\"a1\",via=\"direct\"} 1.700000005E9")
                .contains("qnf_mesh_peer_rx_bytes_total{peer=\"a1\",via=\"direct\"} 150.0")
                .contains("qnf_mesh_peer_tx_bytes_total{peer=\"a1\",via=\"direct\"} 260.0")
                .contains("qnf_mesh_peer_last_handshake_seconds{peer=\"a3\",via=\"direct\"} 0.0")
                .contains("qnf_mesh_peer_tx_bytes_total{peer=\"a3\",via=\"direct\"} 148.0");

        // a3 leaves; b1 gets a public endpoint, so its path becomes direct (no entry yet, so no figures)
        nodes.remove(a3);
        nodes.remove(b1);
        nodes.add(new Node("b1", "b", List.of("10.0.0.1"), b1.publicKey(), 0,
                new NodeMesh("10.0.0.1:51820", "198.51.100.1:51820", false, null)));
        device.set(new DeviceStatus(null, 51820, List.of(peer(a1, hs.plusSeconds(5), 150, 260))));
        metrics.refresh();
        body = registry.scrape();
        assertThat(body).contains("qnf_mesh_peers 1.0")
                .contains("qnf_mesh_peer_rx_bytes_total{peer=\"a1\",via=\"direct\"} 150.0")
                .doesNotContain("peer=\"a3\"")
                .doesNotContain("peer=\"b1\"");
    }
}
