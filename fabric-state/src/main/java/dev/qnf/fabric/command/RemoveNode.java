package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Remove a node; its empty blocks go back to the pool. */
public record RemoveNode(String name) implements Command {
    public RemoveNode {
        Names.node(name);
    }
}
