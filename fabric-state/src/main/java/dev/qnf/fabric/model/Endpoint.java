package dev.qnf.fabric.model;

import dev.qnf.fabric.net.IpAddress;

import java.util.Map;

/**
 * A workload's attachment to a network: its addresses, and once a runtime has plugged it in, its container,
 * interface and MAC. An allocation is an endpoint that only has addresses so far.
 */
public record Endpoint(String network, String id, String node, IpAddress ip, IpAddress ip6, String containerId,
                       String ifName, String mac, Map<String, String> labels) implements Resource {
    public Endpoint {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The MAC an endpoint gets unless the runtime asks for one: 0a:58 followed by its IPv4 address, so it is stable
     * across restarts and readable in captures (the convention of OVN-Kubernetes and others).
     */
    public static String macFor(IpAddress ip) {
        long v = ip.value().longValue();
        return String.format("0a:58:%02x:%02x:%02x:%02x", (v >> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    }

    public static ResourceKey keyOf(String network, String id) {
        return new ResourceKey(ResourceKey.ENDPOINT, network + "/" + id);
    }

    @Override
    public ResourceKey key() {
        return keyOf(network, id);
    }
}
