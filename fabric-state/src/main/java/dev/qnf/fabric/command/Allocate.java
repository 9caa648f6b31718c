package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.IpAddress;

/**
 * Give an endpoint its addresses in a network (IPv4, and IPv6 when the network is dual stack). Keyed by the
 * endpoint id, so a retry returns the first answer. {@code node} (nullable) picks the block affinity;
 * {@code ip} (nullable) asks for one specific address. {@code attachment} (nullable) records the container, interface,
 * MAC and labels in the same write.
 */
public record Allocate(String network, String endpoint, String node, IpAddress ip, Attachment attachment)
        implements Command {
    public Allocate(String network, String endpoint, String node, IpAddress ip) {
        this(network, endpoint, node, ip, null);
    }

    public Allocate {
        Names.network(network);
        Names.endpoint(endpoint);
        if (node != null) {
            Names.node(node);
        }
    }
}
