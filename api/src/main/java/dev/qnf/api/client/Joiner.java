package dev.qnf.api.client;

import dev.qnf.api.json.BundleView;
import dev.qnf.api.json.JoinRequest;
import dev.qnf.api.json.JoinResponse;
import dev.qnf.api.json.Json;
import dev.qnf.api.pki.CaKeyEnvelope;
import dev.qnf.api.pki.CaKeyException;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.CaPin;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.pki.SpiffeTrustManager;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.pki.TlsFiles;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The joiner's side of a join token (kubeadm's discovery by token and CA pin): fetch the trust bundle from the join
 * port, accept it only if it holds the pinned CA and the answering server holds a server certificate of it, then,
 * over a connection that trusts only that bundle, send the token with a request for a key generated here (the
 * private key never leaves this machine) and write key, certificate and bundle into {@code dir}.
 */
public final class Joiner {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Joiner() {
    }

    /** {@code joinUrl} {@code https://host:joinPort}; {@code caHash} {@code sha256:<hex>} as {@code qnf token create} printed it. */
    public static TlsFiles join(String joinUrl, String token, String caHash, String name, Path dir) {
        return joinNode(joinUrl, token, caHash, name, null, dir).files();
    }

    /** A node's identity after a join, and the site its token bound it to (null: the token has none). */
    public record NodeJoined(TlsFiles files, String site) {
    }

    /**
     * As {@link #join}, saying the node is in {@code site} (null: wherever the token puts it); a token of another
     * site is refused by the server before it is spent.
     */
    public static NodeJoined joinNode(String joinUrl, String token, String caHash, String name, String site,
                                      Path dir) {
        Pinned pinned = pinnedBundle(joinUrl, caHash);
        KeyPair keys = CertificateAuthority.newKeyPair();
        JoinResponse joined = exchange(joinUrl, pinned.bundle(), new JoinRequest(token, name,
                Pem.certificateRequest(keys), "node", site));
        X509Certificate cert = certificateFor(joined, keys);
        TlsFiles files = TlsFiles.in(dir);
        files.write(new Identity(keys.getPrivate(), chainOf(joined, cert), Pem.decodeCertificates(joined.bundle())));
        return new NodeJoined(files, joined.site());
    }

    /** What a server joining with a token ends with: its identity, the CA it now holds, and the API to ask to be added at. */
    public record ServerJoined(TlsFiles identity, ClusterPki ca, String apiUrl) {
    }

    /**
     * {@code qnf server --join URL --token T --ca-hash H}: as {@link #join} with a server-role token, and in addition
     * the cluster CA, whose key arrives sealed under the token's secret ({@link CaKeyEnvelope}); it is stored in
     * {@code pkiDir/ca} (encrypted under {@code passphrase} if one is given), the identity in {@code pkiDir}.
     */
    public static ServerJoined joinServer(String joinUrl, String token, String caHash, String id, Path pkiDir,
                                          CaPassphrase passphrase) {
        // the token's shape is the server's to check (it refuses a malformed one before anything is sent back);
        // here it is only split: <id>.<secret>, the secret being what the CA key is sealed under
        String trimmed = token == null ? "" : token.trim();
        int dot = trimmed.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("a join token looks like abcdef.0123456789abcdef");
        }
        String tokenId = trimmed.substring(0, dot);
        String secret = trimmed.substring(dot + 1);
        Pinned pinned = pinnedBundle(joinUrl, caHash);
        KeyPair keys = CertificateAuthority.newKeyPair();
        JoinResponse joined = exchange(joinUrl, pinned.bundle(), new JoinRequest(token, id,
                Pem.certificateRequest(keys), "server"));
        X509Certificate cert = certificateFor(joined, keys);
        if (joined.caKey() == null) {
            throw new CaKeyException("the server at " + joinUrl + " issued a certificate but delivered no CA key; "
                    + "a joining server needs one (is that server up to date?)");
        }
        List<X509Certificate> bundle = Pem.decodeCertificates(joined.bundle());
        X509Certificate caCert = issuerOf(cert, bundle);
        PrivateKey caKey = CaKeyEnvelope.open(joined.caKey(), secret, CaKeyEnvelope.context(tokenId, id));
        if (!CertificateAuthority.keyMatches(caCert, caKey)) {
            throw new CaKeyException("the CA key delivered by " + joinUrl + " does not belong to the CA that issued "
                    + "this server's certificate");
        }
        ClusterPki ca = ClusterPki.install(pkiDir.resolve("ca"), caCert, caKey, bundle, passphrase, Clock.systemUTC());
        TlsFiles files = TlsFiles.in(pkiDir);
        files.write(new Identity(keys.getPrivate(), chainOf(joined, cert), bundle));
        return new ServerJoined(files, ca, apiUrl(joinUrl, pinned.api()));
    }

    /**
     * The API URL a server that joined through {@code joinUrl} asks to be added at, for a restarted server that holds
     * its identity already: the join port's announcement, trusted only if that port serves a certificate of
     * {@code identity}'s bundle.
     */
    public static String apiUrlOf(String joinUrl, Identity identity) {
        HttpClient client = client(new VerifyingTrust(chain -> SpiffeTrustManager.verify(chain, identity.bundle(),
                Tls.SERVERS_ONLY)));
        BundleView view = call(client, HttpRequest.newBuilder(URI.create(joinUrl + "/v1/join/bundle")).GET(),
                BundleView.class);
        return apiUrl(joinUrl, view.api());
    }

    /**
     * The announced API URL, with the join URL's host if the announcement names a wildcard address (a server that
     * binds every interface announces 0.0.0.0; the joiner reached it by the join URL's host).
     */
    static String apiUrl(String joinUrl, String announced) {
        if (announced == null) {
            throw new IllegalStateException("the server at " + joinUrl + " does not announce its API URL");
        }
        URI api = URI.create(announced);
        String host = api.getHost();
        if (host != null && (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::")
                || host.equals("[0:0:0:0:0:0:0:0]"))) {
            return api.getScheme() + "://" + URI.create(joinUrl).getRawAuthority().replaceAll(":[0-9]+$", "")
                    + ":" + api.getPort();
        }
        return announced;
    }

    private static JoinResponse exchange(String joinUrl, List<X509Certificate> bundle, JoinRequest request) {
        HttpClient client = client(new VerifyingTrust(chain -> SpiffeTrustManager.verify(chain, bundle,
                Tls.SERVERS_ONLY)));
        return call(client, HttpRequest.newBuilder(URI.create(joinUrl + "/v1/join"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(request))), JoinResponse.class);
    }

    private static X509Certificate certificateFor(JoinResponse joined, KeyPair keys) {
        X509Certificate cert = Pem.decodeCertificates(joined.certificate()).get(0);
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new IllegalStateException("the server answered a certificate for another key");
        }
        return cert;
    }

    /** {@code cert} and what followed it in the answer (during a CA rotation, the cross-certificate). */
    private static List<X509Certificate> chainOf(JoinResponse joined, X509Certificate cert) {
        List<X509Certificate> all = Pem.decodeCertificates(joined.certificate());
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(cert);
        chain.addAll(all.subList(1, all.size()));
        return chain;
    }

    /** The CA of {@code bundle} that signed {@code cert}. */
    private static X509Certificate issuerOf(X509Certificate cert, List<X509Certificate> bundle) {
        for (X509Certificate ca : bundle) {
            try {
                cert.verify(ca.getPublicKey());
                return ca;
            } catch (GeneralSecurityException e) {
                // not this one
            }
        }
        throw new IllegalStateException("no CA of the trust bundle issued the certificate received");
    }

    private record Pinned(List<X509Certificate> bundle, String api) {
    }

    private static Pinned pinnedBundle(String joinUrl, String caHash) {
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        HttpClient client = client(new VerifyingTrust(seen::set));   // checked below, before anything secret is sent
        BundleView view = call(client, HttpRequest.newBuilder(URI.create(joinUrl + "/v1/join/bundle")).GET(),
                BundleView.class);
        List<X509Certificate> bundle = Pem.decodeCertificates(view.bundle());
        if (bundle.stream().noneMatch(ca -> CaPin.of(ca).equalsIgnoreCase(caHash))) {
            throw new IllegalStateException("the server at " + joinUrl + " does not serve the CA " + caHash
                    + ": refusing to send the token");
        }
        try {
            SpiffeTrustManager.verify(seen.get(), bundle, Tls.SERVERS_ONLY);
        } catch (CertificateException e) {
            throw new IllegalStateException("the server at " + joinUrl + " is not a server of the pinned CA: "
                    + e.getMessage(), e);
        }
        return new Pinned(bundle, view.api());
    }

    private static <T> T call(HttpClient client, HttpRequest.Builder request, Class<T> type) {
        try {
            HttpResponse<byte[]> r = client.send(request.timeout(TIMEOUT).header("content-type", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 != 2) {
                throw Transport.error(r.statusCode(), r.body());
            }
            return Json.lenient().readValue(r.body(), type);
        } catch (IOException e) {
            throw new QnfApiException(0, "UNAVAILABLE", "cannot reach " + request.build().uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QnfApiException(0, "UNAVAILABLE", "interrupted", e);
        }
    }

    private static byte[] json(Object o) {
        try {
            return Json.strict().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient client(TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance(Tls.PROTOCOL);
            ctx.init(null, new TrustManager[]{trust}, null);
            return HttpClient.newBuilder().sslContext(ctx).sslParameters(Tls.clientParameters())
                    .connectTimeout(TIMEOUT).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS 1.3 in this JVM", e);
        }
    }

    private interface ChainCheck {
        void check(X509Certificate[] chain) throws CertificateException;
    }

    /** A server-side trust decision by {@code check} alone (no host-name check: QNF peers are their SPIFFE IDs). */
    private static final class VerifyingTrust extends X509ExtendedTrustManager {
        private final ChainCheck check;

        VerifyingTrust(ChainCheck check) {
            this.check = check;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check.check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check.check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check.check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a joiner accepts no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a joiner accepts no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a joiner accepts no clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
