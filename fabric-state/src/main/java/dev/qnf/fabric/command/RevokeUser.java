package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/**
 * Revoke a person's certificates (see {@link dev.qnf.fabric.model.UserRevocation}); {@code serial} may be null.
 * Refused when the caller is that very user ({@link #isCalledBy}): an admin cannot lock itself out.
 */
public record RevokeUser(String name, String serial, long atMillis) implements Command {
    public RevokeUser {
        Names.user(name);
    }

    /** Whether {@code who} (an {@link Attributed} caller, a SPIFFE ID) is the user this revokes, in any cluster. */
    public boolean isCalledBy(String who) {
        String suffix = "/user/" + name;
        if (!who.startsWith("spiffe://") || !who.endsWith(suffix)) {
            return false;
        }
        String trustDomain = who.substring("spiffe://".length(), who.length() - suffix.length());
        return !trustDomain.isEmpty() && trustDomain.indexOf('/') < 0;
    }
}
