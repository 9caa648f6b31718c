package dev.qnf.api.service;

import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.CaCache;
import dev.qnf.api.pki.CaKeyEnvelope;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Names;

import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A join token exchanged for a certificate: everything is checked that can be before the token is spent (token
 * shape, name, the request's signature, that this server holds the CA key), then the token is redeemed through
 * consensus, then the request's key is signed. The identity comes from the token's role and the requested name,
 * never from the request, whose only use is its public key. A server-role token also carries the CA key to the
 * joiner (every server holds it), sealed under the token's secret ({@link CaKeyEnvelope}).
 */
public final class JoinExchange {
    private final FabricService fabric;
    private final CaCache ca;

    /** {@code caDir}: this server's copy of the cluster CA ({@code <data>/pki/ca}). */
    public JoinExchange(FabricService fabric, Path caDir) {
        this(fabric, caDir, CaPassphrase.none());
    }

    /** {@code passphrase}: what decrypts the CA key if it is encrypted at rest. */
    public JoinExchange(FabricService fabric, Path caDir, CaPassphrase passphrase) {
        this.fabric = fabric;
        this.ca = new CaCache(caDir, passphrase);
    }

    /**
     * What a joiner receives: its certificate, the trust bundle, the identity, the token as now spent and, for a
     * server, the sealed CA key (null for a node).
     */
    public record Joined(X509Certificate certificate, List<X509Certificate> bundle, SpiffeId id, JoinToken token,
                         String caKey, List<X509Certificate> chain) {
    }

    /** The role a join request asks for: null or empty for any (whatever the token says). */
    public static JoinRole askedRole(String text) {
        return text == null || text.isEmpty() ? null : JoinRole.parse(text);
    }

    public CompletableFuture<Joined> join(String token, String name, String csrPem) {
        return join(token, name, csrPem, null);
    }

    /** {@code asked}: the role the joiner wants to become; a token of another role is refused unspent. */
    public CompletableFuture<Joined> join(String token, String name, String csrPem, JoinRole asked) {
        return join(token, name, csrPem, asked, null);
    }

    /** {@code site}: where the joiner says it is; a token bound to another site is refused unspent (null: any). */
    public CompletableFuture<Joined> join(String token, String name, String csrPem, JoinRole asked, String site) {
        JoinTokenText text = JoinTokenText.parse(token);
        Names.node(name);
        PublicKey key = CertificateAuthority.requestedKey(Pem.decodeCertificateRequest(csrPem));
        if (!ca.exists()) {
            throw new ApiException(ApiCode.FAILED_PRECONDITION, "this server holds no cluster CA key; join through "
                    + "one that does");
        }
        ClusterPki pki = ca.get();
        return fabric.redeemToken(text, name, asked, site).thenApply(spent -> {
            JoinToken t = spent.value();
            boolean server = t.role() == JoinRole.SERVER;
            SpiffeId id = server ? SpiffeId.server(pki.trustDomain(), name) : SpiffeId.node(pki.trustDomain(), name);
            X509Certificate cert = pki.ca().issue(id, key, server ? Role.SERVER : Role.NODE, List.of(),
                    CertificateAuthority.DEFAULT_LEAF_LIFETIME);
            String caKey = server ? pki.sealKey(text.secret(), CaKeyEnvelope.context(t.id(), name)) : null;
            return new Joined(cert, pki.bundle(), id, t, caKey, pki.chain(cert));
        });
    }
}
