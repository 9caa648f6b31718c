package dev.qnf.mesh;

import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.WgKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one place that decides who tunnels to whom. Pure: the same nodes and blocks give every node a consistent
 * plan.
 *
 * <ul>
 *   <li>Only nodes that advertise a mesh endpoint and a valid public key take part.</li>
 *   <li>Same site: a direct tunnel to the peer's site endpoint (full mesh).</li>
 *   <li>Different sites, at least one side reachable (has a public endpoint): a direct tunnel. The side that can
 *       dial sets the other's public endpoint; a side with no endpoint to dial leaves it empty and learns it from the
 *       first handshake. A node without a public endpoint sends persistent keepalives to peers of other sites so
 *       its NAT keeps the mapping open and the reachable side can answer at any time.</li>
 *   <li>Different sites, neither reachable: through a relay gateway chosen from the unordered pair alone (the
 *       first gateway with a public endpoint, by name, of either node's site, else of any site), so both
 *       directions use the same gateway; WireGuard checks a packet's source against the allowed IPs of the peer
 *       it came from, and an asymmetric path would be dropped. The remote node's prefixes become allowed IPs of
 *       the peer entry of that gateway.</li>
 * </ul>
 * Allowed IPs of a node are its IPAM blocks (both families) and its tunnel address.
 */
public final class MeshTopology {
    private MeshTopology() {
    }

    public static MeshPlan plan(String self, Collection<Node> nodes, Collection<Block> blocks, int keepaliveSeconds) {
        Map<String, Node> members = new TreeMap<>();
        for (Node n : nodes) {
            if (n.mesh() != null && n.mesh().endpoint() != null && key(n).isPresent()) {
                members.put(n.name(), n);
            }
        }
        Node me = members.get(self);
        if (me == null) {
            return new MeshPlan(List.of(), List.of(), Map.of());
        }
        Map<String, List<Cidr>> prefixes = new HashMap<>();
        for (Block b : blocks) {
            if (b.node() != null) {
                prefixes.computeIfAbsent(b.node(), k -> new ArrayList<>()).add(b.cidr());
            }
        }
        Map<String, List<Cidr>> allowed = new LinkedHashMap<>();
        Map<String, MeshPlan.Path> paths = new TreeMap<>();
        List<Cidr> routes = new ArrayList<>();
        for (Node other : members.values()) {
            if (other.name().equals(self)) {
                continue;
            }
            List<Cidr> own = ownPrefixes(other, prefixes);
            String carrier = other.name();
            if (!direct(me, other)) {
                Optional<Node> relay = relay(me, other, members.values());
                if (relay.isEmpty() || relay.get().name().equals(self)) {
                    // no gateway at all, or we are the relay ourselves (then the pair is direct for us anyway)
                    continue;
                }
                carrier = relay.get().name();
                paths.put(other.name(), new MeshPlan.Path(carrier));
            } else {
                paths.put(other.name(), MeshPlan.Path.DIRECT);
            }
            allowed.computeIfAbsent(carrier, k -> new ArrayList<>()).addAll(own);
            routes.addAll(own);
        }
        List<PeerConfig> peers = new ArrayList<>();
        for (Map.Entry<String, List<Cidr>> e : allowed.entrySet()) {
            Node peer = members.get(e.getKey());
            List<Cidr> ips = new ArrayList<>(e.getValue());
            if (!paths.getOrDefault(peer.name(), MeshPlan.Path.DIRECT).direct()) {
                continue; // a relayed node is never a peer of its own
            }
            boolean sameSite = peer.site().equals(me.site());
            UdpEndpoint endpoint = sameSite ? UdpEndpoint.parse(peer.mesh().endpoint())
                    : peer.mesh().publicEndpoint() == null ? null : UdpEndpoint.parse(peer.mesh().publicEndpoint());
            int keepalive = !sameSite && me.mesh().publicEndpoint() == null ? keepaliveSeconds : 0;
            peers.add(new PeerConfig(key(peer).orElseThrow(), endpoint, ips, keepalive));
        }
        peers.sort(Comparator.comparing(p -> p.publicKey().base64()));
        return new MeshPlan(peers, routes, paths);
    }

    /** Same site, or at least one of the two reachable from other sites. */
    static boolean direct(Node a, Node b) {
        return a.site().equals(b.site()) || a.mesh().publicEndpoint() != null || b.mesh().publicEndpoint() != null;
    }

    static Optional<Node> relay(Node a, Node b, Collection<Node> members) {
        Comparator<Node> byName = Comparator.comparing(Node::name);
        List<Node> gateways = members.stream()
                .filter(n -> n.mesh().gateway() && n.mesh().publicEndpoint() != null)
                .sorted(byName).toList();
        return gateways.stream().filter(g -> g.site().equals(a.site()) || g.site().equals(b.site())).findFirst()
                .or(() -> gateways.stream().findFirst());
    }

    private static List<Cidr> ownPrefixes(Node n, Map<String, List<Cidr>> prefixes) {
        List<Cidr> out = new ArrayList<>(prefixes.getOrDefault(n.name(), List.of()));
        if (n.mesh().tunnelAddress() != null) {
            IpAddress t = IpAddress.parse(n.mesh().tunnelAddress());
            out.add(new Cidr(t, t.bits()));
        }
        return out;
    }

    /** The node's public key; empty when it has none or an invalid one (it then takes no part). */
    static Optional<WgKey> key(Node n) {
        try {
            return Optional.of(WgKey.fromBase64(n.publicKey()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
