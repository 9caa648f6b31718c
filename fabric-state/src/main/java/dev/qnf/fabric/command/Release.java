package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;

/** Return an endpoint's addresses. Releasing what is not allocated succeeds and changes nothing. */
public record Release(String network, String endpoint) implements Command {
    public Release {
        Names.network(network);
        Names.endpoint(endpoint);
    }
}
