package dev.qnf.api.json;

import dev.qnf.fabric.model.NodeMesh;

import java.util.List;

public record NodeView(String name, String site, List<String> addresses, String publicKey,
                       long leaseExpiresAtMillis, Long revision, NodeMesh mesh) {
    public NodeView(String name, String site, List<String> addresses, String publicKey, long leaseExpiresAtMillis,
                    Long revision) {
        this(name, site, addresses, publicKey, leaseExpiresAtMillis, revision, null);
    }
}
