package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AuditEntryView;
import dev.qnf.api.json.AuditList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code qnf audit}: the accepted writes the cluster recorded (who, what, when, revision). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit trail of accepted writes (admin, operator, viewer).")
final class AuditCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;
    @Option(names = "--since", description = "a revision (e.g. 120) or an ISO-8601 time (e.g. 2026-01-01T00:00:00Z)")
    String since;
    @Option(names = "--who", description = "a SPIFFE ID, or a node or user name")
    String who;

    @Override
    public Integer call() {
        try (QnfClient client = options.client()) {
            AuditList list = client.audit(since, who);
            options.output(spec.commandLine().getOut()).print(list, list.entries(),
                    Output.Column.of("REVISION", AuditEntryView::revision),
                    Output.Column.of("TIME", AuditEntryView::time),
                    Output.Column.of("WHO", AuditEntryView::who),
                    Output.Column.of("WHAT", AuditEntryView::what),
                    Output.Column.of("OBJECT", AuditEntryView::object));
        }
        return 0;
    }
}
