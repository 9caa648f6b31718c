package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.policy.Labels;

import java.util.Map;

/**
 * The numeric identity shared cluster-wide by every endpoint of one network with one set of identity labels
 * ({@link Labels#identityLabels}). Allocated by the state machine when the first such endpoint appears (the
 * number after the highest in use, at least {@link #FIRST_ALLOCATED}, so every replica picks the same), deleted
 * with the last one.
 * Numbers below {@link #FIRST_ALLOCATED} are reserved: {@link #HOST} and {@link #WORLD} name the non-endpoint
 * peers, and never appear as resources.
 */
public record Identity(long id, String network, Map<String, String> labels) implements Resource {
    /** The node itself. */
    public static final long HOST = 1;
    /** Any address that is not a QNF endpoint. */
    public static final long WORLD = 2;
    public static final long FIRST_ALLOCATED = 256;
    /** Fits an nftables 32-bit set element. */
    public static final long MAX = 0xffff_ffffL;

    public Identity {
        Names.network(network);
        if (id < FIRST_ALLOCATED || id > MAX) {
            throw new InvalidInputException("identity " + id + " outside " + FIRST_ALLOCATED + ".." + MAX);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static ResourceKey keyOf(long id) {
        return new ResourceKey(ResourceKey.IDENTITY, Long.toString(id));
    }

    @Override
    public ResourceKey key() {
        return keyOf(id);
    }
}
