package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.node.NodeViews;
import dev.qnf.fabric.model.Node;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.MeshPlan;
import dev.qnf.mesh.MeshTopology;
import dev.qnf.mesh.PeerStatus;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.uapi.UapiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code qnf mesh}: the WireGuard mesh as one node sees it. See docs/mesh.md. */
@Command(name = "mesh", mixinStandardHelpOptions = true, description = "The WireGuard mesh between nodes.",
        subcommands = MeshCommand.Status.class)
final class MeshCommand {

    /** One row: a remote node and the peer entry that carries its traffic (its own, or its gateway's). */
    record PeerRow(String node, String site, String path, String endpoint, Instant lastHandshake, Long rxBytes,
                   Long txBytes) {
    }

    @Command(name = "status", description = {"Per remote node: the path (direct or via a gateway), the endpoint, the "
            + "last handshake and bytes received/sent of the peer entry carrying it.",
            "Run on the node, next to its agent: reads the local WireGuard device and the node list."})
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;

        @Option(names = "--node", required = true, description = "this node's name")
        String node;

        @Option(names = "--wg-interface", required = true, paramLabel = "NAME", description = "this node's WireGuard interface")
        String wgInterface;

        @Override
        public Integer call() throws Exception {
            DeviceStatus device = UapiClient.forInterface(wgInterface).get();
            List<Node> nodes;
            try (QnfClient client = options.client()) {
                nodes = client.listNodes(options.stale).nodes().stream().map(NodeViews::toDomain).toList();
            }
            List<PeerRow> rows = rows(node, nodes, device);
            options.output(spec.commandLine().getOut()).print(rows, rows,
                    Output.Column.of("NODE", PeerRow::node),
                    Output.Column.of("SITE", PeerRow::site),
                    Output.Column.of("PATH", PeerRow::path),
                    Output.Column.of("ENDPOINT", r -> r.endpoint() == null ? "-" : r.endpoint()),
                    Output.Column.of("LAST HANDSHAKE", r -> r.lastHandshake() == null ? "never" : r.lastHandshake()),
                    Output.Column.of("RX BYTES", r -> r.rxBytes() == null ? "-" : r.rxBytes()),
                    Output.Column.of("TX BYTES", r -> r.txBytes() == null ? "-" : r.txBytes()));
            return 0;
        }
    }

    /** The rows for {@code self}: the topology decides the paths (blocks do not matter for those). */
    static List<PeerRow> rows(String self, List<Node> nodes, DeviceStatus device) {
        MeshPlan plan = MeshTopology.plan(self, nodes, List.of(), 0);
        List<PeerRow> rows = new ArrayList<>();
        for (Node n : nodes) {
            MeshPlan.Path path = plan.paths().get(n.name());
            if (n.name().equals(self) || path == null) {
                continue;
            }
            String carrier = path.direct() ? n.name() : path.via();
            Optional<PeerStatus> peer = nodes.stream().filter(c -> c.name().equals(carrier)).findFirst()
                    .flatMap(c -> key(c)).flatMap(device::peer);
            rows.add(new PeerRow(n.name(), n.site(), path.direct() ? "direct" : "via " + path.via(),
                    peer.map(p -> p.endpoint() == null ? null : p.endpoint().toString()).orElse(null),
                    peer.map(PeerStatus::lastHandshake).orElse(null),
                    peer.map(PeerStatus::rxBytes).orElse(null), peer.map(PeerStatus::txBytes).orElse(null)));
        }
        return rows;
    }

    private static Optional<WgKey> key(Node n) {
        try {
            return Optional.of(WgKey.fromBase64(n.publicKey()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

}
