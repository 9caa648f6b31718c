package dev.qnf.api.auth;

import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.fabric.model.RevokedIdentity;
import dev.qnf.fabric.state.FabricImage;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides whether a client certificate is refused because its identity was revoked, for every
 * request ({@link CertificateAccess}), every open call ({@link OpenCallRecheck}) and every renewal: nodes'
 * revocations ({@code qnf node revoke}) and users' ({@code qnf user revoke}); servers are removed from the cluster
 * rather than revoked. A revocation in force refuses every certificate of the name; a lifted one
 * ({@code unrevoke}) those issued up to the lift (see {@link RevokedIdentity#refuses}).
 */
public final class RevokedCertificates {
    private RevokedCertificates() {
    }

    /** The revocation of {@code id}'s name in {@code image}, if it has one. */
    public static Optional<RevokedIdentity> of(FabricImage image, SpiffeId id) {
        return switch (id.kind()) {
            case NODE -> image.revocation(id.name()).map(RevokedIdentity.class::cast);
            case USER -> image.userRevocation(id.name()).map(RevokedIdentity.class::cast);
            case SERVER -> Optional.empty();
        };
    }

    /** Throws PERMISSION_DENIED, saying why and what to do, if {@code revocation} refuses {@code leaf} of {@code id}. */
    public static void refuse(Optional<RevokedIdentity> revocation, SpiffeId id, X509Certificate leaf) {
        Instant issued = CertificateAuthority.issuedAt(leaf);
        if (revocation.isEmpty() || !revocation.get().refuses(issued.toEpochMilli())) {
            return;
        }
        String kind = id.kind().name().toLowerCase(Locale.ROOT);
        RevokedIdentity r = revocation.get();
        if (r.inForce()) {
            throw new ApiException(ApiCode.PERMISSION_DENIED, kind + " " + id.name() + " is revoked (qnf " + kind
                    + " revoke): its certificates are no longer accepted or renewed");
        }
        throw new ApiException(ApiCode.PERMISSION_DENIED, kind + " " + id.name() + " was revoked and this certificate "
                + "(issued " + issued + ") is not newer than qnf " + kind + " unrevoke ("
                + Instant.ofEpochMilli(r.liftedAtMillis()) + "): only certificates issued after it are accepted "
                + (id.kind() == SpiffeId.Kind.NODE ? "(join again with a new token)" : "(an admin issues a new one)"));
    }
}
