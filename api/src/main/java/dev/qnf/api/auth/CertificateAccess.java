package dev.qnf.api.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.fabric.model.RevokedIdentity;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Access control of an mTLS server: the caller is the SPIFFE ID of the client certificate the TLS handshake
 * already verified against the trust bundle (see {@link dev.qnf.api.pki.SpiffeTrustManager}), with the role that
 * certificate stands for; {@link Authorizer} decides.
 *
 * <p>The handshake checks the certificate once, but a connection (HTTP/1.1 keep-alive, HTTP/2) outlives it, so every
 * request checks again what can change since: the certificate's end of validity (a date comparison, no
 * cryptography: the chain was verified at the handshake and a certificate cannot change within a session) and the
 * revocation of the node or user it names ({@link RevokedCertificates}). Open streams run the same check every
 * second ({@link OpenCallRecheck}).
 */
public final class CertificateAccess implements AccessControl {
    /** The revocation of a node's or user's identity, if any, from this server's applied replicated state. */
    @FunctionalInterface
    public interface Revocations {
        Optional<RevokedIdentity> of(SpiffeId id);

        Revocations NONE = id -> Optional.empty();
    }

    private final Authorizer authorizer;
    private final Revocations revocations;
    private final Clock clock;

    public CertificateAccess(Authorizer authorizer) {
        this(authorizer, Revocations.NONE);
    }

    /**
     * @param revocations checked on every request (not only at the handshake), so a revocation takes effect on
     *                    each server as soon as it has applied it, for open connections too
     */
    public CertificateAccess(Authorizer authorizer, Revocations revocations) {
        this(authorizer, revocations, Clock.systemUTC());
    }

    /** @param clock what "now" is for certificate validity (the handshake uses the system clock too) */
    public CertificateAccess(Authorizer authorizer, Revocations revocations, Clock clock) {
        this.authorizer = authorizer;
        this.revocations = revocations;
        this.clock = clock;
    }

    @Override
    public Caller authenticate(ServiceRequestContext ctx) {
        SSLSession session = ctx.sslSession();
        if (session == null) {
            throw new ApiException(ApiCode.UNAUTHENTICATED, "a client certificate is required (mTLS)");
        }
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new ApiException(ApiCode.UNAUTHENTICATED, "a client certificate is required (mTLS)");
        }
        X509Certificate leaf = (X509Certificate) peer[0];
        long now = clock.millis();
        if (now > leaf.getNotAfter().getTime()) {
            // the handshake saw it valid; the connection stayed open past its end
            throw new ApiException(ApiCode.UNAUTHENTICATED, "the client certificate expired at "
                    + Instant.ofEpochMilli(leaf.getNotAfter().getTime()) + " (it was valid when this connection "
                    + "was opened): renew it and connect again");
        }
        SpiffeId id = SpiffeId.of(leaf);
        RevokedCertificates.refuse(revocations.of(id), id, leaf);
        return new Caller(id.toString(), Set.of(Identity.roleOf(leaf).label()));
    }

    @Override
    public void authorize(Caller caller, String operation) {
        authorizer.authorize(caller, operation);
    }
}
