package dev.qnf.agent.state;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;

import java.util.List;

/**
 * The last control-plane state the agent saw, as stored in the state dir: after a restart the agent programs from it
 * (fail static) and resumes watching at {@code revision + 1}.
 */
public record ViewSnapshot(long revision, List<NetworkView> networks, List<AllocationView> endpoints) {
    public ViewSnapshot {
        networks = networks == null ? List.of() : List.copyOf(networks);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
