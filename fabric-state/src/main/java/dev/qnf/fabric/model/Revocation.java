package dev.qnf.fabric.model;

/**
 * A node whose identity is revoked: every server refuses requests from {@code spiffe://.../node/<name>} (and will
 * not issue or renew a certificate for it) from the apply that records this on. {@code serial} is the revoked
 * certificate's serial when the revoker named one (informational: all of the node's certificates are refused).
 * {@code liftedAtMillis}: when {@code qnf node unrevoke} lifted it, 0 while in force (records stored before
 * un-revoke existed carry no such field and read as 0: in force); see {@link RevokedIdentity} for what a lifted
 * revocation still refuses.
 */
public record Revocation(String node, String serial, long atMillis, long liftedAtMillis)
        implements Resource, RevokedIdentity {
    public Revocation {
        Names.node(node);
        serial = serial == null ? "" : serial;
        if (liftedAtMillis < 0) {
            throw new IllegalArgumentException("liftedAtMillis < 0: " + liftedAtMillis);
        }
    }

    /** A revocation in force. */
    public Revocation(String node, String serial, long atMillis) {
        this(node, serial, atMillis, 0);
    }

    public Revocation lifted(long atMillis) {
        return new Revocation(node, serial, this.atMillis, atMillis);
    }

    public static ResourceKey keyOf(String node) {
        return new ResourceKey(ResourceKey.REVOCATION, node);
    }

    @Override
    public ResourceKey key() {
        return keyOf(node);
    }
}
