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
 * What the agent told the runtime is what the control plane holds, once the run is over: every attached
 * container's address is its endpoint's allocation (endpoint {@code <container>:eth0}), and every container whose
 * DEL succeeded has no allocation left (releases queued while the control plane was away were delivered; none is
 * still queued). A DEL's release may be overtaken by the ADD's own allocation only if that allocation was still in
 * flight; the agent answers only after it, so that would be a lost release.
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
        Map<String, List<Operation>> byContainer = new LinkedHashMap<>();
        for (Operation o : h.operations()) {
            if (o.kind() == Kind.CNI_ADD || o.kind() == Kind.CNI_DEL) {
                byContainer.computeIfAbsent(((Input.Cni) o.input()).container(), k -> new ArrayList<>()).add(o);
            }
        }
        long checked = 0;
        for (FinalState f : h.finals()) {
            Map<String, String> allocations = f.allocations().getOrDefault(network, Map.of());
            for (Map.Entry<String, List<Operation>> c : byContainer.entrySet()) {
                String endpoint = c.getKey() + ":eth0";
                Operation last = c.getValue().get(c.getValue().size() - 1);
                checked++;
                if (last.kind() == Kind.CNI_DEL && last.ok() && allocations.containsKey(endpoint)) {
                    out.add(endpoint + " was deleted through the agent but " + f.server() + " still allocates "
                            + allocations.get(endpoint) + " to it", c.getValue());
                } else if (last.kind() == Kind.CNI_ADD && last.ok()) {
                    String ip = ((Output.CniAnswer) last.output()).ip();
                    if (!ip.equals(allocations.get(endpoint))) {
                        out.add(endpoint + " was given " + ip + " by the agent but " + f.server() + " has "
                                + allocations.get(endpoint), c.getValue());
                    }
                }
            }
        }
        return out.build(byContainer.size() + " containers x " + h.finals().size() + " replicas (" + checked
                + " checks)");
    }
}
