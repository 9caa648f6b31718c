package dev.qnf.fabric.policy;

import dev.qnf.fabric.net.IpAddress;

import java.util.Map;
import java.util.Objects;

/**
 * One side of a flow, resolved against an image: an endpoint (existing or would-be) with its network and identity
 * labels, or a non-endpoint peer ({@link Entity#WORLD} with an optional address, or {@link Entity#HOST}).
 * {@code network} is null for a would-be endpoint given without one: policies restricted to networks never select
 * it, and its network default is deny. {@code text} is how explanations name it.
 */
public record Party(Entity entity, String network, Map<String, String> labels, IpAddress address, String text) {
    public Party {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        Objects.requireNonNull(text, "text");
    }

    public static Party endpoint(String network, Map<String, String> labels, IpAddress address, String text) {
        return new Party(null, network, Labels.identityLabels(labels), address, text);
    }

    public static Party world(IpAddress address) {
        return new Party(Entity.WORLD, null, Map.of(), address, address == null ? "world" : "world " + address);
    }

    public static Party host() {
        return new Party(Entity.HOST, null, Map.of(), null, "host");
    }

    /** Whether this side is a QNF endpoint, to which policies apply. */
    public boolean isEndpoint() {
        return entity == null;
    }

    public String namespace() {
        return Labels.namespaceOf(labels);
    }
}
