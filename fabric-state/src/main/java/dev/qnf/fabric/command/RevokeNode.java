package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Revoke a node's identity (see {@link dev.qnf.fabric.model.Revocation}); {@code serial} may be null. */
public record RevokeNode(String name, String serial, long atMillis) implements Command {
    public RevokeNode {
        Names.node(name);
    }
}
