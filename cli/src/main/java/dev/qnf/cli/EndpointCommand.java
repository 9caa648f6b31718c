package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.LabelRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code qnf endpoint}: endpoint labels, which decide identities and so policy. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Endpoints and their labels.",
        subcommands = {EndpointCommand.Label.class})
final class EndpointCommand {

    @Command(name = "label", description = "Set (k=v) or remove (k-) endpoint labels, like kubectl label; "
            + "the endpoint's identity and so its policy follow at once.")
    static final class Label implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ENDPOINT", description = "network/id, or an id unique across networks")
        String endpoint;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "k=v|k-") List<String> changes;
        @Option(names = "--network", description = "the endpoint's network") String network;

        @Override
        public Integer call() {
            Map<String, String> set = new LinkedHashMap<>();
            List<String> remove = new ArrayList<>();
            for (String c : changes) {
                int eq = c.indexOf('=');
                if (eq > 0) {
                    set.put(c.substring(0, eq), c.substring(eq + 1));
                } else if (c.endsWith("-") && c.length() > 1) {
                    remove.add(c.substring(0, c.length() - 1));
                } else {
                    throw new InvalidInputException("'" + c + "' is neither k=v (set) nor k- (remove)");
                }
            }
            try (QnfClient client = options.client()) {
                String[] ref = resolve(client);
                AllocationView v = client.labelEndpoint(ref[0], ref[1], new LabelRequest(set, remove));
                Output out = options.output(spec.commandLine().getOut());
                if (out.format() != Output.Format.table) {
                    out.structured(v);
                } else {
                    out.line(ref[0] + "/" + ref[1] + " " + (v.labels() == null ? "{}" : PolicyCommand.labels(v.labels())));
                }
            }
            return 0;
        }

        private String[] resolve(QnfClient client) {
            int slash = endpoint.indexOf('/');
            if (slash > 0) {
                return new String[]{endpoint.substring(0, slash), endpoint.substring(slash + 1)};
            }
            if (network != null) {
                return new String[]{network, endpoint};
            }
            List<String> found = new ArrayList<>();
            for (NetworkView n : client.listNetworks().networks()) {
                if (client.listAllocations(n.name()).allocations().stream().anyMatch(a -> endpoint.equals(a.endpoint()))) {
                    found.add(n.name());
                }
            }
            if (found.size() != 1) {
                throw new InvalidInputException(found.isEmpty() ? "endpoint " + endpoint + " not found in any network"
                        : "endpoint " + endpoint + " is in networks " + found + "; write network/" + endpoint);
            }
            return new String[]{found.get(0), endpoint};
        }
    }
}
