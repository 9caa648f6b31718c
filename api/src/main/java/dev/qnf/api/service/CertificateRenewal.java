package dev.qnf.api.service;

import dev.qnf.api.auth.RevokedCertificates;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.CaCache;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A caller's certificate renewed: a new certificate for the key of its request, with the identity of the certificate
 * the caller presented in the TLS handshake (SPIFFE ID, role, a server's host names), never anything of the request
 * but its public key. Refused to an expired certificate and to a revoked node, the latter judged by a linearizable
 * read, so that a server that has not applied a revocation yet cannot renew the node anyway. The new certificate
 * lives as long as the presented one did, at most {@link CertificateAuthority#DEFAULT_LEAF_LIFETIME}.
 *
 * <p>Renewals are logged, not written to the audit trail: they change no replicated state, and one per holder per
 * half lifetime would push real changes out of the trail's retention window.
 */
public final class CertificateRenewal {
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewal.class);

    private final FabricService fabric;
    private final CaCache ca;
    private final Clock clock;

    /**
     * {@code caDir}: this server's copy of the cluster CA, or null when it holds none; {@code passphrase}: what
     * decrypts its key if it is encrypted at rest.
     */
    public CertificateRenewal(FabricService fabric, Path caDir, CaPassphrase passphrase, Clock clock) {
        this.fabric = fabric;
        // opened once, not per request: an encrypted key costs ~1 s of PBKDF2 to open (see CaCache)
        this.ca = caDir == null ? null : new CaCache(caDir, passphrase == null ? CaPassphrase.none() : passphrase);
        this.clock = clock;
    }

    /**
     * The new certificate, the trust bundle to use with it, the identity it carries and the chain to present (the
     * certificate, then during a CA rotation the new CA cross-signed by the old, see docs/security.md).
     */
    public record Renewed(X509Certificate certificate, List<X509Certificate> bundle, SpiffeId id,
                          List<X509Certificate> chain) {
    }

    /** {@code presented}: the caller's leaf certificate, as the TLS handshake verified it. */
    public CompletableFuture<Renewed> renew(X509Certificate presented, String csrPem) {
        PublicKey key = CertificateAuthority.requestedKey(Pem.decodeCertificateRequest(csrPem));
        SpiffeId id = SpiffeId.of(presented);
        Role role = Identity.roleOf(presented);
        if (presented.getNotAfter().toInstant().isBefore(clock.instant())) {
            // a connection opened before the certificate expired may still be open: it renews nothing
            throw new ApiException(ApiCode.UNAUTHENTICATED, "the certificate of " + id + " has expired: get a new "
                    + "identity (a join token) instead");
        }
        if (ca == null || !ca.exists()) {
            throw new ApiException(ApiCode.FAILED_PRECONDITION, "this server holds no cluster CA key; renew through "
                    + "one that does");
        }
        ClusterPki pki = ca.get().withClock(clock);
        Duration lifetime = min(CertificateAuthority.lifetimeOf(presented), CertificateAuthority.DEFAULT_LEAF_LIFETIME);
        List<String> hosts = id.kind() == SpiffeId.Kind.SERVER ? CertificateAuthority.hostsOf(presented) : List.of();
        return notRevoked(id, presented).thenApply(ignored -> {
            X509Certificate cert = pki.ca().issue(id, key, role, hosts, lifetime);
            log.info("renewed the certificate of {} ({}): serial {} -> {}, valid until {}", id, role.label(),
                    presented.getSerialNumber().toString(16), cert.getSerialNumber().toString(16),
                    cert.getNotAfter().toInstant());
            return new Renewed(cert, pki.bundle(), id, pki.chain(cert));
        });
    }

    /** As {@link RevokedCertificates} decides, on a linearizable read: a lagging server renews no revoked name. */
    private CompletableFuture<Void> notRevoked(SpiffeId id, X509Certificate presented) {
        return fabric.revocationOf(id).thenAccept(r -> {
            try {
                RevokedCertificates.refuse(r, id, presented);
            } catch (ApiException refused) {
                log.warn("refused to renew the certificate of {}: {}", id, refused.getMessage());
                throw refused;
            }
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
