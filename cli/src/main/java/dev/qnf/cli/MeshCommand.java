package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.node.NodeViews;
import dev.qnf.fabric.model.Node;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.PeerPaths;
import dev.qnf.mesh.PeerPaths.PeerRow;
import dev.qnf.mesh.uapi.UapiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code qnf mesh}: the WireGuard mesh as one node sees it. See docs/mesh.md. */
@Command(name = "mesh", mixinStandardHelpOptions = true, description = "The WireGuard mesh between nodes.",
        subcommands = MeshCommand.Status.class)
final class MeshCommand {

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
            List<PeerRow> rows = PeerPaths.rows(node, nodes, device);
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

}
