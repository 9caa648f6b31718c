package dev.qnf.fabric.model;

import java.util.List;

/**
 * A host running an agent. The public key is published by the node itself; its IPAM blocks are
 * {@link Block}s whose affinity names it. The lease is renewed by heartbeats. {@code mesh} is null for a node
 * outside the WireGuard mesh.
 */
public record Node(String name, String site, List<String> addresses, String publicKey,
                   long leaseExpiresAtMillis, NodeMesh mesh) implements Resource {
    public Node {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        site = site == null || site.isEmpty() ? "default" : site;
        publicKey = publicKey == null ? "" : publicKey;
    }

    /** A node outside the mesh. */
    public Node(String name, String site, List<String> addresses, String publicKey, long leaseExpiresAtMillis) {
        this(name, site, addresses, publicKey, leaseExpiresAtMillis, null);
    }

    public static ResourceKey keyOf(String name) {
        return new ResourceKey(ResourceKey.NODE, name);
    }

    @Override
    public ResourceKey key() {
        return keyOf(name);
    }
}
