package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.AgentFinal;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Output;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node agent fails static under control-plane faults (docs/agent.md): it answers every call (no call hangs);
 * an ADD either succeeds or answers 11 (try again later), never another error; a DEL succeeds (its release is queued
 * while the control plane is away; a runtime resends a DEL only while the agent itself is unreachable, which the
 * plugin also answers 11); GC succeeds; every container still attached at the end has, inside its namespace, the
 * address its ADD answered (nothing was torn down while the control plane was away); and once the control plane is
 * back the agent's STATUS answers 0. Holds trivially for runs without an agent.
 */
public final class AgentFailStatic implements Invariant {
    private static final int TRY_AGAIN = 11;

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
        Map<String, Operation> lastDel = new LinkedHashMap<>();
        for (Operation o : h.operations()) {
            if (o.kind() != Kind.CNI_ADD && o.kind() != Kind.CNI_DEL && o.kind() != Kind.CNI_GC) {
                continue;
            }
            if (o.outcome() == Outcome.UNKNOWN) {
                out.add(o.kind() + " of " + o.input().key() + " got no answer from the agent", List.of(o));
                continue;
            }
            Output.CniAnswer a = (Output.CniAnswer) o.output();
            String container = ((Input.Cni) o.input()).container();
            if (o.kind() == Kind.CNI_ADD) {
                adds++;
                if (a.code() == TRY_AGAIN) {
                    tryAgain++;
                } else if (a.code() != 0) {
                    out.add("ADD of " + o.input().key() + " answered code " + a.code() + " (only 0 or 11 allowed): "
                            + a.text(), List.of(o));
                } else {
                    added.put(container, a.ip());
                }
            } else if (o.kind() == Kind.CNI_DEL) {
                dels++;
                lastDel.put(container, o);
            } else if (a.code() != 0) {
                out.add("GC answered code " + a.code() + ": " + a.text(), List.of(o));
            }
        }
        lastDel.forEach((container, o) -> {
            if (!o.ok()) {
                out.add("DEL of " + o.input().key() + " never succeeded: " + o.output(), List.of(o));
            }
        });
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
