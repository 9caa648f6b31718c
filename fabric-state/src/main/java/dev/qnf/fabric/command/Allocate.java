package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.IpAddress;

/**
 * Give an endpoint its addresses in a network (IPv4, and IPv6 when the network is dual stack). Keyed by the
 * endpoint id, so a retry returns the first answer. {@code node} (nullable) picks the block affinity;
 * {@code ip} (nullable) asks for one specific address.
 */
public record Allocate(String network, String endpoint, String node, IpAddress ip) implements Command {
    public Allocate {
        Names.network(network);
        Names.endpoint(endpoint);
        if (node != null) {
            Names.node(node);
        }
    }
}
