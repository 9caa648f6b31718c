package dev.qnf.api.json;

/**
 * The answer to a join: the certificate and the trust bundle (PEM), the SPIFFE ID it carries, the token's site,
 * and for a server-role token the cluster CA key sealed under the token's secret
 * ({@link dev.qnf.api.pki.CaKeyEnvelope}; absent for nodes).
 */
public record JoinResponse(String certificate, String bundle, String spiffeId, String site, String caKey) {
    public JoinResponse(String certificate, String bundle, String spiffeId, String site) {
        this(certificate, bundle, spiffeId, site, null);
    }
}
