package dev.qnf.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The nft named counters of the policy chains as {@code qnf_policy_packets_total{policy, direction, verdict}}.
 * Counter names are {@code <verdict>-<in|out>-<policy key>} and {@code default-deny-<in|out>} (see the agent's
 * {@code PolicyLayout}); {@code names} maps a policy key back to the policy's name (keys of odd names are digests).
 * Counted are the packets that reached the decision: the first packet of each connection that was allowed, and every
 * packet that was denied (a retransmitted SYN counts again). A policy's meter goes when its counter goes.
 */
public final class PolicyCounters {
    public static final String METER = "qnf.policy.packets";
    static final String DEFAULT_POLICY = "(default)";

    private final MeterRegistry registry;
    private final Supplier<Map<String, Long>> read;
    private final Supplier<Map<String, String>> names;
    private final Map<String, Long> values = new ConcurrentHashMap<>();
    private final Map<String, Meter> meters = new HashMap<>();

    /**
     * @param read  the counters now: nft counter name → packets
     * @param names policy key → policy name, for the policies applied now
     */
    public PolicyCounters(MeterRegistry registry, Supplier<Map<String, Long>> read, Supplier<Map<String, String>> names) {
        this.registry = registry;
        this.read = read;
        this.names = names;
    }

    /** Reads the kernel's counters once; registers meters for new counters and removes those of gone ones. */
    public synchronized void refresh() {
        Map<String, Long> now = read.get();
        Map<String, String> policies = names.get();
        values.putAll(now);
        for (String name : now.keySet()) {
            if (!meters.containsKey(name)) {
                List<String> tags = tags(name, policies);
                if (tags != null) {
                    meters.put(name, FunctionCounter.builder(METER, values, v -> v.getOrDefault(name, 0L))
                            .description("packets that reached a policy decision, by policy, direction and verdict")
                            .tags("policy", tags.get(0), "direction", tags.get(1), "verdict", tags.get(2))
                            .register(registry));
                }
            }
        }
        meters.entrySet().removeIf(e -> {
            if (now.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            values.remove(e.getKey());
            return true;
        });
    }

    /** [policy, direction, verdict] of an nft counter name; null for a name that is not a policy counter. */
    static List<String> tags(String counter, Map<String, String> policies) {
        String[] parts = counter.split("-", 3);
        if (parts.length < 3) {
            return null;
        }
        String direction = switch (parts[1]) {
            case "in" -> "ingress";
            case "out" -> "egress";
            default -> null;
        };
        if (direction == null) {
            return parts[0].equals("default") && parts[1].equals("deny")
                    ? List.of(DEFAULT_POLICY, parts[2].equals("in") ? "ingress" : "egress", "deny") : null;
        }
        if (!parts[0].equals("allow") && !parts[0].equals("deny")) {
            return null;
        }
        return List.of(policies.getOrDefault(parts[2], parts[2]), direction, parts[0]);
    }
}
