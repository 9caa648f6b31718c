package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.AgentFinal;
import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent told the runtime is what the control plane holds once the run is over (after the runtime's GC):
 * the agent's network has exactly one allocation per container still attached, endpoint {@code <container>:eth0}, at
 * the address its ADD answered, and none for any other container (every DEL's release delivered, no address
 * leaked), with no release still queued in the agent. Checked on every replica's final state.
 */
public final class AgentAgreesWithControlPlane implements Invariant {
    private final String network;

    public AgentAgreesWithControlPlane(String network) {
        this.network = network;
    }

    @Override
    public String name() {
        return "AgentAgreesWithControlPlane";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        AgentFinal agent = h.agent();
        if (agent == null) {
            return out.build("no agent in this run");
        }
        if (agent.pendingReleases() != 0) {
            out.add(agent.pendingReleases() + " releases still queued in the agent after the control plane was healed",
                    List.of());
        }
        Map<String, List<Operation>> byEndpoint = new LinkedHashMap<>();
        Map<String, String> attached = new LinkedHashMap<>();
        for (Operation o : h.operations()) {
            if (o.kind() == Kind.CNI_ADD || o.kind() == Kind.CNI_DEL) {
                String endpoint = ((Input.Cni) o.input()).container() + ":eth0";
                byEndpoint.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(o);
                if (o.kind() == Kind.CNI_ADD && o.ok()) {
                    attached.put(endpoint, ((Output.CniAnswer) o.output()).ip());
                } else if (o.kind() == Kind.CNI_DEL && o.ok()) {
                    attached.remove(endpoint);
                }
            }
        }
        for (FinalState f : h.finals()) {
            Map<String, String> allocations = f.allocations().getOrDefault(network, Map.of());
            attached.forEach((endpoint, ip) -> {
                if (!ip.equals(allocations.get(endpoint))) {
                    out.add(endpoint + " is attached with " + ip + " but " + f.server() + " allocates "
                            + allocations.get(endpoint), byEndpoint.get(endpoint));
                }
            });
            allocations.forEach((endpoint, ip) -> {
                if (!attached.containsKey(endpoint)) {
                    out.add(f.server() + " still allocates " + ip + " to " + endpoint + ", which no container has"
                            + " (a lost release, a leaked address)", byEndpoint.getOrDefault(endpoint, List.of()));
                }
            });
        }
        return out.build(byEndpoint.size() + " containers, " + attached.size() + " attached, x " + h.finals().size()
                + " replicas");
    }
}
