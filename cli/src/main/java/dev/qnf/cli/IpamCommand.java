package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationList;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code qnf ipam}: allocate, release and list addresses. */
@Command(name = "ipam", mixinStandardHelpOptions = true, description = "IP address management.",
        subcommands = {IpamCommand.Allocate.class, IpamCommand.Release.class, IpamCommand.ListCmd.class})
final class IpamCommand {

    static void print(Output out, List<AllocationView> rows) {
        print(out, Output.document(rows), rows);
    }

    /** Rows as a table, or {@code document} (a single object or the whole list answer) as JSON/YAML. */
    static void print(Output out, Object document, List<AllocationView> rows) {
        out.print(document, rows,
                Output.Column.of("ENDPOINT", AllocationView::endpoint),
                Output.Column.of("IP", AllocationView::ip),
                Output.Column.of("IP6", AllocationView::ip6),
                Output.Column.of("NODE", AllocationView::node));
    }

    abstract static class Base extends ClientCommand {
    }

    @Command(name = "allocate", description = "Give an endpoint addresses (a retry returns the same ones).")
    static final class Allocate extends Base {
        @Parameters(index = "0", description = "network") String network;
        @Parameters(index = "1", description = "endpoint id (container id, pod uid, ...)") String endpoint;
        @Option(names = "--node", description = "node whose blocks to use") String node;
        @Option(names = "--ip", description = "ask for this address") String ip;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                Written<AllocationView> w = client.allocate(network, new AllocationRequest(endpoint, node, ip));
                print(out(), List.of(w.value()));
            }
            return 0;
        }
    }

    @Command(name = "release", description = "Release an endpoint's addresses (idempotent).")
    static final class Release extends Base {
        @Parameters(index = "0", description = "network") String network;
        @Parameters(index = "1", description = "endpoint id") String endpoint;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                long revision = client.release(network, endpoint).revision();
                out().line("released " + endpoint + " in " + network + " (revision " + revision + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List a network's allocations.")
    static final class ListCmd extends Base {
        @Parameters(index = "0", description = "network") String network;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                AllocationList list = client.listAllocations(network, options.stale);
                print(out(), list, list.allocations());
            }
            return 0;
        }
    }
}
