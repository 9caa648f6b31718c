package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.ExplainView;
import dev.qnf.api.json.IdentityList;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.PolicyApplied;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyList;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.cli.policy.KubernetesImport;
import dev.qnf.cli.policy.PolicyFiles;
import dev.qnf.fabric.policy.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** {@code qnf policy}: apply policy files with tests, import Kubernetes NetworkPolicy, list, explain. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Network policy: default deny, allow and deny rules, tests, explain (see docs/policy.md).",
        subcommands = {PolicyCommand.Apply.class, PolicyCommand.Import.class, PolicyCommand.ListCmd.class,
                PolicyCommand.Get.class, PolicyCommand.DeleteCmd.class, PolicyCommand.Explain.class,
                PolicyCommand.Identities.class})
final class PolicyCommand {

    abstract static class Base extends ClientCommand {
        void applied(Written<PolicyApplied> w) {
            PolicyApplied a = w.value();
            if (out().format() != Output.Format.table) {
                out().structured(a);
                return;
            }
            out().line("applied " + a.policies().size() + " polic" + (a.policies().size() == 1 ? "y" : "ies")
                    + (a.testsPassed() > 0 ? ", " + a.testsPassed() + " test(s) passed" : "") + " (revision "
                    + a.revision() + ")");
            a.policies().forEach(p -> out().line("  " + p));
        }
    }

    /** {@code namespace/name}, or {@code name} in the default namespace. */
    static String[] ref(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? new String[]{Labels.DEFAULT_NAMESPACE, text}
                : new String[]{text.substring(0, slash), text.substring(slash + 1)};
    }

    @Command(name = "apply", description = "Apply a policy file (YAML or JSON with policies:, defaults:, tests:); "
            + "nothing is applied unless every test passes against the resulting state.")
    static final class Apply extends Base {
        @Option(names = {"-f", "--file"}, required = true, description = "policy file") Path file;

        @Override
        public Integer call() {
            PolicyFile f = PolicyFiles.read(file);
            try (QnfClient client = options.client()) {
                applied(client.applyPolicies(f));
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Import Kubernetes networking.k8s.io/v1 NetworkPolicy YAML with "
            + "Kubernetes semantics.")
    static final class Import extends Base {
        @Parameters(index = "0", description = "YAML file: NetworkPolicy objects, a List, or several documents")
        Path file;
        @Option(names = "--dry-run", description = "print the QNF policies instead of applying them") boolean dryRun;

        @Override
        public Integer call() {
            KubernetesImport.Result r = KubernetesImport.translate(PolicyFiles.documents(file));
            r.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            PolicyFile f = new PolicyFile(r.policies(), null, null);
            if (dryRun) {
                new Output(out().format() == Output.Format.json ? Output.Format.json : Output.Format.yaml,
                        spec.commandLine().getOut()).structured(f);
                return 0;
            }
            try (QnfClient client = options.client()) {
                applied(client.applyPolicies(f));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List policies.")
    static final class ListCmd extends Base {
        @Option(names = {"-n", "--namespace"}, description = "only this namespace") String namespace;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                PolicyList list = client.listPolicies(namespace);
                out().print(list, list.policies(),
                        Output.Column.of("NAMESPACE", PolicyView::namespace),
                        Output.Column.of("NAME", PolicyView::name),
                        Output.Column.of("SELECTOR", p -> selector(p.selector())),
                        Output.Column.of("INGRESS", p -> rules(p.ingress())),
                        Output.Column.of("EGRESS", p -> rules(p.egress())),
                        Output.Column.of("ISOLATES", p -> p.isolate() == null ? null : String.join(",", p.isolate())));
                if (out().format() == Output.Format.table && list.defaults() != null && !list.defaults().isEmpty()) {
                    out().line("network defaults: " + new TreeMap<>(list.defaults()));
                }
            }
            return 0;
        }

        private static String rules(List<RuleView> rules) {
            if (rules == null) {
                return "-";
            }
            long deny = rules.stream().filter(r -> "deny".equals(r.action())).count();
            return (rules.size() - deny) + " allow" + (deny > 0 ? ", " + deny + " deny" : "");
        }
    }

    static String selector(SelectorView s) {
        if (s == null || ((s.matchLabels() == null || s.matchLabels().isEmpty()) && s.matchExpressions() == null)) {
            return "{}";
        }
        StringJoiner j = new StringJoiner(",");
        if (s.matchLabels() != null) {
            new TreeMap<>(s.matchLabels()).forEach((k, v) -> j.add(k + "=" + v));
        }
        if (s.matchExpressions() != null) {
            s.matchExpressions().forEach(e -> j.add(e.key() + " " + e.operator()
                    + (e.values() == null ? "" : " " + e.values())));
        }
        return j.toString();
    }

    @Command(name = "get", description = "Show one policy (YAML unless -o json).")
    static final class Get extends Base {
        @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String name;

        @Override
        public Integer call() {
            String[] r = ref(name);
            try (QnfClient client = options.client()) {
                PolicyView p = client.getPolicy(r[0], r[1]);
                new Output(out().format() == Output.Format.json ? Output.Format.json : Output.Format.yaml,
                        spec.commandLine().getOut()).structured(p);
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a policy.")
    static final class DeleteCmd extends Base {
        @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String name;

        @Override
        public Integer call() {
            String[] r = ref(name);
            try (QnfClient client = options.client()) {
                long revision = client.deletePolicy(r[0], r[1]).revision();
                out().line("deleted policy " + r[0] + "/" + r[1] + " (revision " + revision + ")");
            }
            return 0;
        }
    }

    @Command(name = "explain", description = "Say whether a flow is allowed and which rules decided it. "
            + "FROM and TO: an endpoint (network/id or id), labels ([network:]k=v,...), an address, world or host.")
    static final class Explain extends Base {
        @Option(names = "--from", required = true) String from;
        @Option(names = "--to", required = true) String to;
        @Option(names = "--port", description = "destination port (tcp, udp, sctp)") Integer port;
        @Option(names = "--proto", description = "tcp (default), udp, sctp or icmp") String proto;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                ExplainView e = client.explain(from, to, proto, port);
                if (out().format() != Output.Format.table) {
                    out().structured(e);
                    return 0;
                }
                out().line(e.verdict().toUpperCase() + ": " + e.from() + " -> " + e.to() + " " + e.proto()
                        + (e.port() == 0 ? "" : "/" + e.port()));
                for (ExplainView.Reason r : e.reasons()) {
                    out().line("  " + r.direction() + " at " + r.endpoint() + ": " + r.verdict()
                            + (r.policy() == null ? "" : " by " + r.policy() + " " + r.direction() + "[" + r.rule() + "]")
                            + " - " + r.text());
                }
            }
            return 0;
        }
    }

    @Command(name = "identities", description = "List the numeric identities of label sets.")
    static final class Identities extends Base {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                IdentityList list = client.listIdentities();
                out().print(list, list.identities(),
                        Output.Column.of("ID", IdentityView::id),
                        Output.Column.of("NETWORK", IdentityView::network),
                        Output.Column.of("LABELS", i -> labels(i.labels())));
            }
            return 0;
        }
    }

    static String labels(Map<String, String> labels) {
        StringJoiner j = new StringJoiner(",");
        new TreeMap<>(labels).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
