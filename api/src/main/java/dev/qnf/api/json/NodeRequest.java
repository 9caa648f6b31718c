package dev.qnf.api.json;

import java.util.List;

/**
 * Body of {@code PUT /v1/nodes/{name}}; the server stamps the lease expiry as its clock plus {@code leaseSeconds}.
 * {@code mesh} is the node's WireGuard advertisement, sent by its agent with its public key.
 */
public record NodeRequest(String site, List<String> addresses, String publicKey, Integer leaseSeconds,
                          NodeMeshView mesh) {
    public NodeRequest(String site, List<String> addresses, String publicKey, Integer leaseSeconds) {
        this(site, addresses, publicKey, leaseSeconds, null);
    }
}
