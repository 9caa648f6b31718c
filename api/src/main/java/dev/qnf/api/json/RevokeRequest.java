package dev.qnf.api.json;

/**
 * Body of {@code POST /v1/nodes/{name}/revoke} and {@code POST /v1/users/{name}/revoke} (optional): the serial of the
 * certificate being revoked (informational: every certificate of the name is refused).
 */
public record RevokeRequest(String serial) {
}
