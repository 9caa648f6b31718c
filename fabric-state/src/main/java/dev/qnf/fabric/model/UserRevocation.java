package dev.qnf.fabric.model;

/**
 * A person whose certificates are revoked: every server refuses requests from {@code spiffe://.../user/<user>}
 * from the apply that records this on, and renews none. A record of its own rather than a kind field on
 * {@link Revocation}: that record is keyed {@code revocation/<node>} and its field is {@code node}, both already
 * stored and replicated, so users get their own key space ({@code user-revocation/<user>}: a user and a node may share
 * a name) and the node records keep their bytes. {@code serial} as in {@link Revocation}; {@code liftedAtMillis}: when
 * {@code qnf user unrevoke} lifted it, 0 while in force ({@link RevokedIdentity}).
 */
public record UserRevocation(String user, String serial, long atMillis, long liftedAtMillis)
        implements Resource, RevokedIdentity {
    public UserRevocation {
        Names.user(user);
        serial = serial == null ? "" : serial;
        if (liftedAtMillis < 0) {
            throw new IllegalArgumentException("liftedAtMillis < 0: " + liftedAtMillis);
        }
    }

    public UserRevocation lifted(long atMillis) {
        return new UserRevocation(user, serial, this.atMillis, atMillis);
    }

    public static ResourceKey keyOf(String user) {
        return new ResourceKey(ResourceKey.USER_REVOCATION, user);
    }

    @Override
    public ResourceKey key() {
        return keyOf(user);
    }
}
