package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Node;

import java.util.Objects;

/** Create or update a node record; the submitting server stamps the lease expiry, apply never reads a clock. */
public record RegisterNode(Node node) implements Command {
    public RegisterNode {
        Objects.requireNonNull(node, "node");
        Names.node(node.name());
    }
}
