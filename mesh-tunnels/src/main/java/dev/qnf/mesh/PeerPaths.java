package dev.qnf.mesh;

import dev.qnf.fabric.model.Node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the mesh looks like from one node: per remote node, the path its traffic takes (direct, or via a gateway)
 * and the figures of the device's peer entry that carries it. One place for {@code qnf mesh status} and the agent's
 * {@code qnf_mesh_peer_*} metrics, so both always say the same.
 */
public final class PeerPaths {
    /** The {@code via} of a node reached through its own peer entry. */
    public static final String DIRECT = "direct";

    /**
     * One remote node and the peer entry that carries its traffic (its own, or its gateway's: then the figures are
     * the gateway's, shared by every node behind it). {@code via} is {@link #DIRECT} or the gateway's name; the
     * figures are null while the wanted peer is not on the device.
     */
    public record PeerRow(String node, String site, String via, String endpoint, Instant lastHandshake, Long rxBytes,
                          Long txBytes) {
        public boolean direct() {
            return DIRECT.equals(via);
        }

        /** "direct" or "via GATEWAY", as {@code qnf mesh status} prints it. */
        public String path() {
            return direct() ? DIRECT : "via " + via;
        }
    }

    private PeerPaths() {
    }

    /** The rows for {@code self}: the topology decides the paths (blocks do not matter for those). */
    public static List<PeerRow> rows(String self, Collection<Node> nodes, DeviceStatus device) {
        MeshPlan plan = MeshTopology.plan(self, nodes, List.of(), 0);
        List<PeerRow> rows = new ArrayList<>();
        for (Node n : nodes) {
            MeshPlan.Path path = plan.paths().get(n.name());
            if (n.name().equals(self) || path == null) {
                continue;
            }
            String carrier = path.direct() ? n.name() : path.via();
            Optional<PeerStatus> peer = nodes.stream().filter(c -> c.name().equals(carrier)).findFirst()
                    .flatMap(MeshTopology::key).flatMap(device::peer);
            rows.add(new PeerRow(n.name(), n.site(), path.direct() ? DIRECT : path.via(),
                    peer.map(p -> p.endpoint() == null ? null : p.endpoint().toString()).orElse(null),
                    peer.map(PeerStatus::lastHandshake).orElse(null),
                    peer.map(PeerStatus::rxBytes).orElse(null), peer.map(PeerStatus::txBytes).orElse(null)));
        }
        return rows;
    }
}
