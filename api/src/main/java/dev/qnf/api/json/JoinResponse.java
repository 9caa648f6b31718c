package dev.qnf.api.json;

/** The answer to a join: the certificate and the trust bundle (PEM), the SPIFFE ID it carries, and the token's site. */
public record JoinResponse(String certificate, String bundle, String spiffeId, String site) {
}
