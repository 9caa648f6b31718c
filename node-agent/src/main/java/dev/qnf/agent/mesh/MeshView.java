package dev.qnf.agent.mesh;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.BlockView;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.node.NodeViews;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.pcollections.PMap;
import org.pcollections.TreePMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the mesh needs of the fabric: nodes (keys, endpoints, sites), IPAM blocks with a node affinity, and the IPv6
 * addresses of endpoints (for proxy NDP: a container reaches one on another host through its own bridge). Built from
 * its own watch, which the mesh plane starts from the first revision (or a RESYNC when that was compacted), so it
 * holds every node even after an agent restart. Immutable; {@link #apply} returns the next view.
 */
public final class MeshView {
    private static final Logger LOG = LoggerFactory.getLogger(MeshView.class);
    private static final MeshView EMPTY = new MeshView(0, TreePMap.empty(), TreePMap.empty(), TreePMap.empty());

    private final long revision;
    private final PMap<String, Node> nodes;
    private final PMap<String, Block> blocks;
    /** IPv6 addresses of endpoints, by watch key. */
    private final PMap<String, Endpoint6> endpoints6;

    /** An endpoint's IPv6 address, its network and the node it is on. */
    public record Endpoint6(String network, String node, IpAddress ip) {
    }

    private MeshView(long revision, PMap<String, Node> nodes, PMap<String, Block> blocks,
                     PMap<String, Endpoint6> endpoints6) {
        this.revision = revision;
        this.nodes = nodes;
        this.blocks = blocks;
        this.endpoints6 = endpoints6;
    }

    public static MeshView empty() {
        return EMPTY;
    }

    public long revision() {
        return revision;
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    public Collection<Block> blocks() {
        return blocks.values();
    }

    public Collection<Endpoint6> endpoints6() {
        return endpoints6.values();
    }

    public MeshView apply(WatchMessage message) {
        MeshView v = message.isResync() ? new MeshView(message.revision(), TreePMap.empty(), TreePMap.empty(),
                TreePMap.empty()) : new MeshView(message.revision(), nodes, blocks, endpoints6);
        if (message.isResync()) {
            for (WatchMessage.KeyedObject o : message.objects()) {
                if (o.object() != null) {
                    v = v.put(new WatchMessage.Event(WatchMessage.Event.PUT, o.key(), o.object()));
                }
            }
            return v;
        }
        for (WatchMessage.Event e : Objects.requireNonNullElse(message.events(), List.<WatchMessage.Event>of())) {
            v = WatchMessage.Event.DELETE.equals(e.type()) ? v.delete(e.key()) : v.put(e);
        }
        return v;
    }

    private MeshView put(WatchMessage.Event e) {
        try {
            return switch (e.kind()) {
                case "node" -> {
                    NodeView n = e.objectAs(NodeView.class);
                    yield new MeshView(revision, nodes.plus(n.name(), NodeViews.toDomain(n)), blocks, endpoints6);
                }
                case "block" -> {
                    BlockView b = e.objectAs(BlockView.class);
                    yield new MeshView(revision, nodes, blocks.plus(e.key(),
                            new Block(b.network(), Cidr.parse(b.cidr()), b.node())), endpoints6);
                }
                case "endpoint" -> {
                    AllocationView a = e.objectAs(AllocationView.class);
                    yield new MeshView(revision, nodes, blocks, a.ip6() == null || a.node() == null
                            ? endpoints6.minus(e.key())
                            : endpoints6.plus(e.key(), new Endpoint6(a.network(), a.node(), IpAddress.parse(a.ip6()))));
                }
                default -> this;
            };
        } catch (RuntimeException ex) {
            LOG.warn("mesh: ignoring unreadable {} at revision {}: {}", e.key(), revision, ex.getMessage());
            return this;
        }
    }

    private MeshView delete(String key) {
        String kind = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        return switch (kind) {
            case "node" -> new MeshView(revision, nodes.minus(name), blocks, endpoints6);
            case "block" -> new MeshView(revision, nodes, blocks.minus(key), endpoints6);
            case "endpoint" -> new MeshView(revision, nodes, blocks, endpoints6.minus(key));
            default -> this;
        };
    }
}
