package dev.qnf.fabric.model;

import dev.qnf.fabric.policy.Verdict;

import java.util.Objects;

/**
 * A network's verdict for traffic no rule decides, for endpoints no policy isolates: {@code DENY} unless set.
 * Absent means deny; the resource exists only for networks set explicitly (and goes with its network).
 */
public record PolicyDefault(String network, Verdict verdict) implements Resource {
    public PolicyDefault {
        Names.network(network);
        Objects.requireNonNull(verdict, "verdict");
    }

    public static ResourceKey keyOf(String network) {
        return new ResourceKey(ResourceKey.POLICY_DEFAULT, network);
    }

    @Override
    public ResourceKey key() {
        return keyOf(network);
    }
}
