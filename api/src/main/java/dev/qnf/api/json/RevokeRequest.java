package dev.qnf.api.json;

/** Body of {@code POST /v1/nodes/{name}/revoke} (optional): the serial of the certificate being revoked. */
public record RevokeRequest(String serial) {
}
