package dev.qnf.api.json;

import java.util.List;

/** Body of {@code PUT /v1/nodes/{name}}; the server stamps the lease expiry as its clock plus {@code leaseSeconds}. */
public record NodeRequest(String site, List<String> addresses, String publicKey, Integer leaseSeconds) {
}
