package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.AgentFinal;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Output;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node agent fails static under control-plane faults (docs/agent.md): an ADD either succeeds or answers 11
 * (try again later), never anything else; a DEL always succeeds (its release is queued while the control plane is
 * away); every container still attached at the end has, inside its namespace, the address its ADD answered (nothing
 * was torn down while the control plane was unreachable); and once the control plane is back the agent's STATUS
 * answers 0. Holds trivially for runs without an agent.
 */
public final class AgentFailStatic implements Invariant {
    @Override
    public String name() {
        return "AgentFailStatic";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        AgentFinal agent = h.agent();
        if (agent == null) {
            return out.build("no agent in this run");
        }
        long adds = 0;
        long tryAgain = 0;
        long dels = 0;
        Map<String, String> added = new HashMap<>();
        for (Operation o : h.operations()) {
            if (o.kind() == Kind.CNI_ADD) {
                adds++;
                if (o.outcome() == Outcome.UNKNOWN) {
                    out.add("ADD of " + o.input().key() + " got no answer from the agent", List.of(o));
                } else if (o.output() instanceof Output.CniAnswer a) {
                    if (a.code() == 11) {
                        tryAgain++;
                    } else if (a.code() != 0) {
                        out.add("ADD of " + o.input().key() + " answered code " + a.code() + " (only 0 or 11 allowed): "
                                + a.text(), List.of(o));
                    } else {
                        added.put(((Input.Cni) o.input()).container(), a.ip());
                    }
                }
            } else if (o.kind() == Kind.CNI_DEL) {
                dels++;
                if (!o.ok()) {
                    out.add("DEL of " + o.input().key() + " did not succeed: " + o.output(), List.of(o));
                }
            }
        }
        agent.dataPlane().forEach((container, ip) -> {
            String expected = added.get(container);
            if (ip == null || !ip.equals(expected)) {
                out.add("container " + container + " was given " + expected + " but its eth0 has " + ip
                        + " after the run", List.of());
            }
        });
        if (!agent.statusOk()) {
            out.add("the agent's STATUS did not answer 0 after the control plane was healed", List.of());
        }
        return out.build(adds + " ADDs (" + tryAgain + " try-again), " + dels + " DELs, "
                + agent.dataPlane().size() + " containers checked in their namespaces");
    }
}
