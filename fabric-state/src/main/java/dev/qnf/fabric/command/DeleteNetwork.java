package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Delete a network; refused while it has endpoints. */
public record DeleteNetwork(String name) implements Command {
    public DeleteNetwork {
        Names.network(name);
    }
}
