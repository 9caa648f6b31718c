package dev.qnf.agent.state;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;

import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.PolicyView;

import java.util.List;
import java.util.Map;

/**
 * The last control-plane state the agent saw, as stored in the state dir: after a restart the agent programs from it
 * (fail static) and resumes watching at {@code revision + 1}.
 */
public record ViewSnapshot(long revision, List<NetworkView> networks, List<AllocationView> endpoints,
                           List<PolicyView> policies, List<IdentityView> identities, Map<String, String> defaults) {
    public ViewSnapshot {
        networks = networks == null ? List.of() : List.copyOf(networks);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        policies = policies == null ? List.of() : List.copyOf(policies);
        identities = identities == null ? List.of() : List.copyOf(identities);
        defaults = defaults == null ? Map.of() : Map.copyOf(defaults);
    }

    /** Networks and endpoints only (a snapshot of an agent from before policies). */
    public ViewSnapshot(long revision, List<NetworkView> networks, List<AllocationView> endpoints) {
        this(revision, networks, endpoints, null, null, null);
    }
}
