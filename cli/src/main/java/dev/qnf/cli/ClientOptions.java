package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Options every client command takes: where the cluster is and how to print. */
public final class ClientOptions {
    @Option(names = "--endpoint", paramLabel = "URL[,URL...]",
            description = "API URL(s); default: $QNF_ENDPOINT, then ~/.qnf/config, then " + ClientConfig.DEFAULT_ENDPOINT)
    String endpoint;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "client identity (bundle.pem, cert.pem, key.pem); default: $QNF_TLS_DIR, then the config "
                    + "file's tls-dir, then ~/.qnf/tls")
    Path tlsDir;

    @Option(names = {"-o", "--output"}, description = "table, json or yaml (default: ${DEFAULT-VALUE})",
            defaultValue = "table")
    Output.Format format;

    @Option(names = "--stale", description = "answer from the contacted server's local state (no linearizable read)")
    boolean stale;

    @Option(names = "--timeout", description = "per-request timeout in seconds (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    int timeoutSeconds;

    public QnfClient client() {
        return QnfClient.connect(ClientConfig.endpoints(endpoint).stream().map(URI::create).toList(),
                Duration.ofSeconds(timeoutSeconds), ClientConfig.tls(tlsDir));
    }

    public Output output(PrintWriter out) {
        return new Output(format, out);
    }
}
