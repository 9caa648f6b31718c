package dev.qnf.api.client;

import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.Tls;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The {@link HttpClient} to send a request with: under mTLS, one per certificate. A server refuses requests on a
 * connection whose certificate has expired since its handshake (docs/security.md), and Java's client keeps its
 * keep-alive connections for as long as they are used, so when the files hold a new identity (a renewal, a new
 * trust bundle) the next request gets a new client, hence new connections and handshakes with the new certificate.
 * Calls in flight (a watch) finish on the old client's connections, which the server's idle timeout then closes.
 */
final class HttpClients implements Supplier<HttpClient> {
    private record Bound(Identity identity, HttpClient http) {
    }

    /** Null for plaintext: one client for ever. */
    private final ReloadingIdentity identity;
    private volatile Bound current;

    private HttpClients(ReloadingIdentity identity) {
        this.identity = identity;
        this.current = new Bound(identity == null ? null : identity.get(), build(identity));
    }

    static HttpClients plaintext() {
        return new HttpClients(null);
    }

    static HttpClients presenting(ReloadingIdentity identity) {
        return new HttpClients(identity);
    }

    /**
     * The client to send the next request with. Throws 401 UNAUTHENTICATED, without sending anything, if our
     * certificate has expired: every server would refuse it (in the handshake, which a caller cannot tell from a
     * network failure), so the caller learns the real reason instead of "cannot reach".
     */
    @Override
    public HttpClient get() {
        if (identity == null) {
            return current.http();
        }
        Identity now = identity.get();
        long notAfter = now.certificate().getNotAfter().getTime();
        if (System.currentTimeMillis() > notAfter) {
            throw new QnfApiException(401, "UNAUTHENTICATED", "this client's certificate (" + now.spiffeId()
                    + ", " + identity.files().cert() + ") expired at " + Instant.ofEpochMilli(notAfter)
                    + "; servers refuse it: renew certificates before they expire (qnf cert renew), or join again "
                    + "with a new token (a node)");
        }
        Bound bound = current;
        if (now == bound.identity()) {
            return bound.http();
        }
        synchronized (this) {
            if (now != current.identity()) {
                current = new Bound(now, build(identity));
            }
            return current.http();
        }
    }

    private static HttpClient build(ReloadingIdentity identity) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (identity != null) {
            // mTLS: our certificate, and only a server of our cluster's trust bundle is accepted (SPIFFE ID, not host name)
            b.sslContext(Tls.clientContext(identity)).sslParameters(Tls.clientParameters());
        }
        return b.build();
    }
}
