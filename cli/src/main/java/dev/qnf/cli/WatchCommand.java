package dev.qnf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Watching;
import dev.qnf.api.json.WatchMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code qnf watch}: every change from a revision on, like {@code etcdctl watch --rev}. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Stream changes (one line per revision); a compacted start revision yields a RESYNC first.")
final class WatchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    @Option(names = "--from", description = "first revision to show (default: only new changes)")
    Long from;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (QnfClient client = options.client();
             Watching watching = client.watch(from, m -> print(out, m))) {
            watching.done().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return 0;
    }

    private void print(PrintWriter out, WatchMessage m) {
        try {
            if (options.format == Output.Format.table) {
                if (m.isResync()) {
                    out.println("RESYNC at revision " + m.revision() + ": " + m.objects().size() + " objects");
                } else {
                    m.events().forEach(e -> out.println(m.revision() + "  " + e.type() + "  " + e.key()));
                }
            } else {
                out.println(JSON.writeValueAsString(m));
            }
            out.flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
