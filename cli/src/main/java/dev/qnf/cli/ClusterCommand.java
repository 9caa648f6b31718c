package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.ClusterView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code qnf cluster}: Raft membership and leadership. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Control-plane membership and leadership.",
        subcommands = {ClusterCommand.Status.class, ClusterCommand.Add.class, ClusterCommand.Remove.class,
                ClusterCommand.TransferLeader.class, ClusterCommand.Snapshot.class})
final class ClusterCommand {

    static void print(Output out, ClusterView c) {
        if (out.format() != Output.Format.table) {
            out.structured(c);
            return;
        }
        out.line("leader: " + (c.leader() == null ? "(none)" : c.leader()) + "   term: " + c.term()
                + "   commit: " + c.commitIndex() + "   applied: " + c.appliedIndex());
        out.print(c, c.members(),
                Output.Column.of("ID", ClusterView.Peer::id),
                Output.Column.of("ROLE", ClusterView.Peer::role),
                Output.Column.of("RAFT", ClusterView.Peer::address),
                Output.Column.of("API", ClusterView.Peer::apiAddress));
    }

    abstract static class Base extends ClientCommand {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                print(out(), run(client));
            }
            return 0;
        }

        abstract ClusterView run(QnfClient client);
    }

    @Command(name = "status", description = "Leader, term, commit index and members with their roles.")
    static final class Status extends Base {
        @Override
        ClusterView run(QnfClient client) {
            return client.cluster();
        }
    }

    @Command(name = "add", description = "Add a server (started with --join or with no group) to the Raft group.")
    static final class Add extends Base {
        @Parameters(index = "0", description = "server id") String id;
        @Parameters(index = "1", paramLabel = "HOST:PORT", description = "its Raft address") String address;

        @Override
        ClusterView run(QnfClient client) {
            return client.addMember(id, address);
        }
    }

    @Command(name = "remove", description = "Remove a server from the Raft group.")
    static final class Remove extends Base {
        @Parameters(index = "0", description = "server id") String id;

        @Override
        ClusterView run(QnfClient client) {
            return client.removeMember(id);
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to a server (any, if none is named).")
    static final class TransferLeader extends Base {
        @Parameters(index = "0", arity = "0..1", description = "server id") String id;

        @Override
        ClusterView run(QnfClient client) {
            return client.transferLeader(id);
        }
    }

    @Command(name = "snapshot", description = "Take a snapshot now, so the Raft log can be purged.")
    static final class Snapshot implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                options.output(spec.commandLine().getOut()).structured(client.snapshot());
            }
            return 0;
        }
    }
}
