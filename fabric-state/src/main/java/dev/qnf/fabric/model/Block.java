package dev.qnf.fabric.model;

import dev.qnf.fabric.net.Cidr;

/**
 * A slice of a network's prefix with an affinity to one node, so that a node allocates locally and
 * its routes stay aggregated. {@code node} is null for the pool used by allocations that name no node.
 */
public record Block(String network, Cidr cidr, String node) implements Resource {

    public static ResourceKey keyOf(String network, Cidr cidr) {
        return new ResourceKey(ResourceKey.BLOCK, network + "/" + cidr.toString().replace('/', '_'));
    }

    @Override
    public ResourceKey key() {
        return keyOf(network, cidr);
    }
}
