package dev.qnf.api.service;

import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
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
 * never from the request, whose only use is its public key.
 */
public final class JoinExchange {
    private final FabricService fabric;
    private final Path caDir;

    /** {@code caDir}: this server's copy of the cluster CA ({@code <data>/pki/ca}). */
    public JoinExchange(FabricService fabric, Path caDir) {
        this.fabric = fabric;
        this.caDir = caDir;
    }

    /** What a joiner receives: its certificate, the trust bundle, the identity and the token as now spent. */
    public record Joined(X509Certificate certificate, List<X509Certificate> bundle, SpiffeId id, JoinToken token) {
    }

    public CompletableFuture<Joined> join(String token, String name, String csrPem) {
        JoinTokenText text = JoinTokenText.parse(token);
        Names.node(name);
        PublicKey key = CertificateAuthority.requestedKey(Pem.decodeCertificateRequest(csrPem));
        if (!ClusterPki.exists(caDir)) {
            throw new ApiException(ApiCode.FAILED_PRECONDITION, "this server holds no cluster CA key; join through "
                    + "one that does");
        }
        ClusterPki pki = ClusterPki.load(caDir);
        return fabric.redeemToken(text, name).thenApply(spent -> {
            JoinToken t = spent.value();
            boolean server = t.role() == JoinRole.SERVER;
            SpiffeId id = server ? SpiffeId.server(pki.trustDomain(), name) : SpiffeId.node(pki.trustDomain(), name);
            X509Certificate cert = pki.ca().issue(id, key, server ? Role.SERVER : Role.NODE, List.of(),
                    CertificateAuthority.DEFAULT_LEAF_LIFETIME);
            return new Joined(cert, pki.bundle(), id, t);
        });
    }
}
