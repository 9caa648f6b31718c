package dev.qnf.api.json;

/**
 * The answer to {@code POST /v1/tokens}: the {@code token} text ({@code id.secret}, shown this once and never
 * again), the CA pin {@code caHash} ({@code sha256:<hex>} of the cluster CA's public key, as kubeadm's
 * discovery-token-ca-cert-hash; null on a server without TLS) and the stored token.
 */
public record TokenCreated(String token, String caHash, TokenView stored, long revision) {
}
