package dev.qnf.api.json;

/** {@code POST /v1/join}: a join token, the name to be known by (node or server id) and a PEM PKCS#10 request. */
public record JoinRequest(String token, String name, String csr) {
}
