package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Network;

import java.util.Objects;

/** Create a network; build {@code spec} with {@link Network#spec}, which fills defaults and validates. */
public record CreateNetwork(Network spec) implements Command {
    public CreateNetwork {
        Objects.requireNonNull(spec, "spec");
    }
}
