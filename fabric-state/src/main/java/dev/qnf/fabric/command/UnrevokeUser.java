package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/**
 * Lift a user's revocation at {@code atMillis}: certificates issued after it are accepted again, the older ones stay
 * refused (see {@link dev.qnf.fabric.model.RevokedIdentity}).
 */
public record UnrevokeUser(String name, long atMillis) implements Command {
    public UnrevokeUser {
        Names.user(name);
    }
}
