package dev.qnf.mesh;

import dev.qnf.fabric.net.Cidr;

import java.util.List;
import java.util.Map;

/**
 * What one node's device and routing table should hold: its peers, the destinations routed into the tunnel
 * (every remote block and tunnel address, whether reached directly or through a gateway), and for each remote node
 * how it is reached.
 */
public record MeshPlan(List<PeerConfig> peers, List<Cidr> routes, Map<String, Path> paths) {
    public MeshPlan {
        peers = List.copyOf(peers);
        routes = routes.stream().distinct().sorted().toList();
        paths = Map.copyOf(paths);
    }

    /** How a remote node is reached: {@code via} null for a direct tunnel, else the gateway node's name. */
    public record Path(String via) {
        public static final Path DIRECT = new Path(null);

        public boolean direct() {
            return via == null;
        }
    }
}
