package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/**
 * Lift a node's revocation at {@code atMillis}: certificates issued after it are accepted again, the older ones stay
 * refused (see {@link dev.qnf.fabric.model.RevokedIdentity}).
 */
public record UnrevokeNode(String name, long atMillis) implements Command {
    public UnrevokeNode {
        Names.node(name);
    }
}
