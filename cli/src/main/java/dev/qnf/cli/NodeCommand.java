package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeList;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.NodeView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code qnf node}: the hosts of the fabric. Agents register themselves; these commands are for operators. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Hosts (nodes) of the fabric.",
        subcommands = {NodeCommand.ListCmd.class, NodeCommand.Register.class, NodeCommand.Remove.class,
                NodeCommand.Revoke.class, NodeCommand.Unrevoke.class, RotateKeyCommand.class})
final class NodeCommand {

    static void print(Output out, Object document, List<NodeView> rows) {
        out.print(document, rows,
                Output.Column.of("NAME", NodeView::name),
                Output.Column.of("SITE", NodeView::site),
                Output.Column.of("ADDRESSES", n -> String.join(",", n.addresses())),
                Output.Column.of("LEASE UNTIL", n -> Instant.ofEpochMilli(n.leaseExpiresAtMillis())));
    }

    abstract static class Base extends ClientCommand {
    }

    @Command(name = "list", description = "List nodes.")
    static final class ListCmd extends Base {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                NodeList list = client.listNodes(options.stale);
                print(out(), list, list.nodes());
            }
            return 0;
        }
    }

    @Command(name = "register", description = "Create or update a node record.")
    static final class Register extends Base {
        @Parameters(index = "0") String name;
        @Option(names = "--site") String site;
        @Option(names = "--address", description = "repeatable") List<String> addresses;
        @Option(names = "--lease-seconds", description = "lease length (default: server's)") Integer leaseSeconds;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                NodeView n = client.registerNode(name, new NodeRequest(site, addresses, null, leaseSeconds)).value();
                print(out(), n, List.of(n));
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a node; its empty blocks return to the pool.")
    static final class Remove extends Base {
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                long revision = client.removeNode(name).revision();
                out().line("removed node " + name + " at revision " + revision);
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a node's identity cluster-wide: every server refuses its "
            + "requests from the next one on, and no certificate is issued or renewed for it (admin).")
    static final class Revoke extends Base {
        @Parameters(index = "0") String name;
        @Option(names = "--serial", description = "serial of the certificate being revoked (recorded only)")
        String serial;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                var r = client.revokeNode(name, serial);
                out().line(RevocationLines.revoked("node", name, r.created(), r.value().time()));
            }
            return 0;
        }
    }

    @Command(name = "unrevoke", description = {"Lift a node's revocation (admin): certificates issued from now on are "
            + "accepted again, the older ones stay refused, so the host joins again with a new token (qnf token "
            + "create, qnf agent --join).", "Idempotent; an error if the node was never revoked."})
    static final class Unrevoke extends Base {
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                var r = client.unrevokeNode(name);
                out().line(RevocationLines.unrevoked("node", name, r.time(), r.lifted()));
            }
            return 0;
        }
    }
}
