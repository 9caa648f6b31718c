package dev.qnf.api.json;

/** The answer to a renewal: the new certificate and the current trust bundle (PEM), its SPIFFE ID and expiry. */
public record RenewedCertificate(String certificate, String bundle, String spiffeId, String notAfter) {
}
