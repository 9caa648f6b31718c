package dev.qnf.fabric.model;

/**
 * A node whose identity is revoked: every server refuses requests from {@code spiffe://.../node/<name>} (and will
 * not issue or renew a certificate for it) from the apply that records this on. {@code serial} is the revoked
 * certificate's serial when the revoker named one (informational: all of the node's certificates are refused).
 */
public record Revocation(String node, String serial, long atMillis) implements Resource {
    public Revocation {
        Names.node(node);
        serial = serial == null ? "" : serial;
    }

    public static ResourceKey keyOf(String node) {
        return new ResourceKey(ResourceKey.REVOCATION, node);
    }

    @Override
    public ResourceKey key() {
        return keyOf(node);
    }
}
