package dev.qnf.api.json;

import java.util.List;

public record NodeView(String name, String site, List<String> addresses, String publicKey,
                       long leaseExpiresAtMillis, Long revision, NodeMeshView mesh) {
    public NodeView(String name, String site, List<String> addresses, String publicKey, long leaseExpiresAtMillis,
                    Long revision) {
        this(name, site, addresses, publicKey, leaseExpiresAtMillis, revision, null);
    }
}
