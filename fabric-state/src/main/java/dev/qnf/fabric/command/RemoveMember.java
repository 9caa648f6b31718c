package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Forget a control-plane server that left the Raft group. */
public record RemoveMember(String id) implements Command {
    public RemoveMember {
        Names.node(id);
    }
}
