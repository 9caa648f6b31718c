package dev.qnf.cli;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.concurrent.DaemonThreads;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code qnf server --join URL}: asks the cluster at URL to add this server, on a thread of its own, again with
 * backoff until the cluster answers. Adding is idempotent (a member already there at the same address is a no-op),
 * so a restarted member simply asks again; a server that is already serving must not exit because the one server
 * it joined through happens to be down (the chaos suite's kill-majority fault found exactly that: two restarted
 * members joined through each other, each timed out and exited). A refusal (4xx, e.g. the id at another address)
 * ends the attempts with a message; the server keeps running.
 */
final class Joiner {
    private Joiner() {
    }

    /** Completes with true once added, false after a refusal. */
    static CompletableFuture<Boolean> start(URI url, TlsFiles tls, String id, String raftAddress, PrintStream out,
                                            Duration firstBackoff, Duration maxBackoff) {
        return start(() -> url, tls, id, raftAddress, out, firstBackoff, maxBackoff);
    }

    /**
     * As above with the API URL found anew on every attempt until found (a restarted server that joined with a token
     * asks the join port for it, which may be down just then).
     */
    static CompletableFuture<Boolean> start(Supplier<URI> url, TlsFiles tls, String id, String raftAddress,
                                            PrintStream out, Duration firstBackoff, Duration maxBackoff) {
        CompletableFuture<Boolean> added = new CompletableFuture<>();
        DaemonThreads.start("qnf-join",
                () -> added.complete(run(url, tls, id, raftAddress, out, firstBackoff, maxBackoff)));
        return added;
    }

    private static boolean run(Supplier<URI> urls, TlsFiles tls, String id, String raftAddress, PrintStream out,
                               Duration firstBackoff, Duration maxBackoff) {
        URI url = null;
        QnfClient client = null;
        long backoff = firstBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                if (client == null) {
                    url = urls.get();
                    // asks with this server's own certificate: the server role may change membership
                    client = QnfClient.connect(List.of(url), Duration.ofSeconds(30), tls);
                }
                client.addMember(id, raftAddress);
                out.println("qnf server " + id + " added to the cluster at " + url);
                return true;
            } catch (QnfApiException e) {
                if (e.httpStatus() >= 400 && e.httpStatus() < 500) {
                    out.println("error: the cluster at " + url + " refused to add " + id + ": " + e.code() + ": "
                            + e.getMessage());
                    return false;
                }
                out.println("qnf server " + id + ": joining through " + url + " failed (attempt " + attempt + ", "
                        + e.getMessage() + "); retrying in " + backoff + " ms");
            } catch (RuntimeException e) {
                if (client != null) {
                    throw e;
                }
                out.println("qnf server " + id + ": cannot find the API to join through yet (attempt " + attempt
                        + ", " + e.getMessage() + "); retrying in " + backoff + " ms");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return false;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
    }
}
