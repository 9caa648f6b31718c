package dev.qnf.agent.metrics;

import dev.qnf.fabric.model.Node;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.PeerPaths;
import dev.qnf.mesh.PeerPaths.PeerRow;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The figures of {@code qnf mesh status} as meters, per remote node ({@code peer}) and its path ({@code via}: the
 * gateway's name or "direct"), read from the device at each {@link #refresh}:
 * {@code qnf_mesh_peer_last_handshake_seconds} (unix time, 0 before the first handshake),
 * {@code qnf_mesh_peer_rx_bytes_total}, {@code qnf_mesh_peer_tx_bytes_total} and {@code qnf_mesh_peers} (peer
 * entries on the device). Rows come from {@link PeerPaths}, so a node behind a gateway reports the gateway's entry.
 * A node that leaves the mesh, or whose path changes, loses its meters (a new path gets new ones).
 */
public final class MeshPeerMetrics {
    /** The device now; null while it is not running. */
    public interface DeviceReader {
        DeviceStatus read() throws IOException;
    }

    private record Key(String peer, String via) {
    }

    private final MeterRegistry registry;
    private final String self;
    private final Supplier<Collection<Node>> nodes;
    private final DeviceReader device;
    private final Map<Key, PeerRow> values = new ConcurrentHashMap<>();
    private final Map<Key, List<Meter>> meters = new HashMap<>();
    private final AtomicInteger peers = new AtomicInteger();

    public MeshPeerMetrics(MeterRegistry registry, String self, Supplier<Collection<Node>> nodes, DeviceReader device) {
        this.registry = registry;
        this.self = self;
        this.nodes = nodes;
        this.device = device;
        Gauge.builder("qnf.mesh.peers", peers, AtomicInteger::get)
                .description("peer entries on this node's WireGuard device").register(registry);
    }

    /** Reads the device once; a device that is not running (or does not answer) leaves the last figures. */
    public synchronized void refresh() throws IOException {
        DeviceStatus status = device.read();
        if (status == null) {
            return;
        }
        peers.set(status.peers().size());
        Map<Key, PeerRow> now = new HashMap<>();
        for (PeerRow r : PeerPaths.rows(self, nodes.get(), status)) {
            if (r.rxBytes() != null) { // wanted but not on the device (yet): no figures to show
                now.put(new Key(r.node(), r.via()), r);
            }
        }
        values.putAll(now);
        now.keySet().forEach(k -> meters.computeIfAbsent(k, this::register));
        meters.entrySet().removeIf(e -> {
            if (now.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            values.remove(e.getKey());
            return true;
        });
    }

    private List<Meter> register(Key k) {
        return List.of(
                Gauge.builder("qnf.mesh.peer.last.handshake.seconds", values,
                                v -> handshake(v.get(k)))
                        .description("unix time of the last handshake with the peer entry carrying this node (0: never)")
                        .tags("peer", k.peer(), "via", k.via()).register(registry),
                FunctionCounter.builder("qnf.mesh.peer.rx.bytes", values, v -> figure(v.get(k), true))
                        .description("bytes received from the peer entry carrying this node")
                        .tags("peer", k.peer(), "via", k.via()).register(registry),
                FunctionCounter.builder("qnf.mesh.peer.tx.bytes", values, v -> figure(v.get(k), false))
                        .description("bytes sent to the peer entry carrying this node")
                        .tags("peer", k.peer(), "via", k.via()).register(registry));
    }

    private static double handshake(PeerRow r) {
        return r == null || r.lastHandshake() == null ? 0 : r.lastHandshake().getEpochSecond();
    }

    private static double figure(PeerRow r, boolean rx) {
        Long v = r == null ? null : rx ? r.rxBytes() : r.txBytes();
        return v == null ? 0 : v;
    }
}
