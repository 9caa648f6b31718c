package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.NetworkList;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code qnf network}: create, list, get, delete virtual networks. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Virtual networks.",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.ListCmd.class, NetworkCommand.Get.class,
                NetworkCommand.Delete.class})
final class NetworkCommand {

    static void print(Output out, List<NetworkView> rows) {
        print(out, Output.document(rows), rows);
    }

    /** Rows as a table, or {@code document} (a single object or the whole list answer) as JSON/YAML. */
    static void print(Output out, Object document, List<NetworkView> rows) {
        out.print(document, rows,
                Output.Column.of("NAME", NetworkView::name),
                Output.Column.of("CIDR", NetworkView::cidr),
                Output.Column.of("CIDR6", NetworkView::cidr6),
                Output.Column.of("GATEWAY", NetworkView::gateway),
                Output.Column.of("MTU", NetworkView::mtu),
                Output.Column.of("NAT", NetworkView::nat),
                Output.Column.of("BLOCK", n -> "/" + n.blockPrefix()));
    }

    abstract static class Base extends ClientCommand {
    }

    @Command(name = "create", description = "Create a network (an identical retry is not an error).")
    static final class Create extends Base {
        @Parameters(index = "0", description = "network name") String name;
        @Option(names = "--cidr", required = true, description = "IPv4 prefix, e.g. 10.10.0.0/16") String cidr;
        @Option(names = "--cidr6", description = "IPv6 prefix for dual stack, e.g. fd00:10::/64") String cidr6;
        @Option(names = "--gateway", description = "IPv4 gateway (default: first address)") String gateway;
        @Option(names = "--gateway6", description = "IPv6 gateway (default: first address)") String gateway6;
        @Option(names = "--mtu", description = "MTU (default 1500)") Integer mtu;
        @Option(names = "--nat", description = "masquerade traffic leaving the fabric") boolean nat;
        @Option(names = "--block-prefix", description = "per-node IPv4 block size (default /26)") Integer blockPrefix;
        @Option(names = "--block-prefix6", description = "per-node IPv6 block size (default /122)") Integer blockPrefix6;
        @Option(names = "--allow-overlap", description = "permit overlapping prefixes (both networks must say so)")
        boolean allowOverlap;
        @Option(names = "--label", description = "KEY=VALUE, repeatable") Map<String, String> labels;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                Written<NetworkView> w = client.createNetwork(new NetworkRequest(name, cidr, cidr6, gateway, gateway6,
                        mtu, nat, blockPrefix, blockPrefix6, allowOverlap, labels));
                print(out(), List.of(w.value()));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List networks.")
    static final class ListCmd extends Base {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                NetworkList list = client.listNetworks(options.stale);
                print(out(), list, list.networks());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Show one network.")
    static final class Get extends Base {
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                print(out(), List.of(client.getNetwork(name, options.stale)));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a network (refused while it has endpoints).")
    static final class Delete extends Base {
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                long revision = client.deleteNetwork(name).revision();
                out().line("deleted network " + name + " at revision " + revision);
            }
            return 0;
        }
    }
}
