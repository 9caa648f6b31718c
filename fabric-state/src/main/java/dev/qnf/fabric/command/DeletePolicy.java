package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Delete one policy; NOT_FOUND when there is none by that name. */
public record DeletePolicy(String namespace, String name) implements Command {
    public DeletePolicy {
        Names.namespace(namespace);
        Names.policy(name);
    }
}
