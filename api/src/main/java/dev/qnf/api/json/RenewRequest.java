package dev.qnf.api.json;

/**
 * {@code POST /v1/certificates/renew}: a PEM PKCS#10 request for a new key. Only its public key (and that its
 * signature verifies) is used: the identity of the new certificate is the caller's.
 */
public record RenewRequest(String csr) {
}
