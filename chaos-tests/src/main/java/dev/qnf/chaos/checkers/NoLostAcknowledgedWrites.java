package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every acknowledged write is in every replica's final state (read from each server alone once all had applied
 * the same revision):
 * <ul>
 *   <li>an endpoint with an acknowledged allocation and no release ever sent holds the acknowledged address;</li>
 *   <li>an endpoint with an acknowledged release is absent, unless an allocation of it that may have applied
 *   could be ordered after that release (one still in flight, or with an unknown outcome);</li>
 *   <li>a network's final spec version is what one of its last writes left: the writes that may have applied and
 *   were not followed by an acknowledged write (absent when there were none).</li>
 * </ul>
 * The count is the number of lost writes.
 */
public final class NoLostAcknowledgedWrites implements Invariant {
    @Override
    public String name() {
        return "NoLostAcknowledgedWrites";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        if (h.finals().isEmpty()) {
            out.add("no final state was read from any server", List.of());
            return out.build("nothing");
        }
        EndpointIndex index = new EndpointIndex(h);
        long acked = 0;
        for (FinalState f : h.finals()) {
            for (String network : index.networks()) {
                Map<String, String> present = f.allocations().getOrDefault(network, Map.of());
                for (EndpointIndex.Endpoint e : index.in(network).values()) {
                    acked += checkEndpoint(out, f, e, present);
                }
            }
            acked += checkNetworks(out, f, h);
        }
        return out.build(acked + " acknowledged writes x replicas");
    }

    private long checkEndpoint(Verdict.Builder out, FinalState f, EndpointIndex.Endpoint e, Map<String, String> present) {
        String ip = e.ackedIp();
        long acked = 0;
        boolean anyRelease = e.releases.stream().anyMatch(Operation::mayHaveApplied);
        if (ip != null) {
            acked++;
            if (!anyRelease && !ip.equals(present.get(e.id))) {
                out.add("acknowledged allocation " + e.network + "/" + e.id + " = " + ip + " is "
                        + (present.containsKey(e.id) ? "at " + present.get(e.id) : "missing") + " on " + f.server()
                        + " at revision " + f.revision(), e.all());
            }
        }
        Operation release = e.lastAckedRelease();
        if (release != null) {
            acked++;
            if (present.containsKey(e.id) && !e.allocationMayFollow(release)) {
                out.add("acknowledged release of " + e.network + "/" + e.id + " is lost: " + f.server()
                        + " still holds it at " + present.get(e.id) + " (revision " + f.revision() + ")", e.all());
            }
        }
        return acked;
    }

    private long checkNetworks(Verdict.Builder out, FinalState f, History h) {
        long acked = 0;
        for (Map.Entry<String, List<Operation>> key : h.byKey(Kind.NET_CREATE, Kind.NET_DELETE).entrySet()) {
            List<Operation> writes = key.getValue().stream().filter(NoLostAcknowledgedWrites::effective).toList();
            acked += writes.stream().filter(Operation::ok).count();
            Set<Integer> allowed = new HashSet<>();
            for (Operation w : writes) {
                boolean followed = writes.stream().anyMatch(o -> o != w && o.ok() && w.precedes(o));
                if (!followed) {
                    allowed.add(w.kind() == Kind.NET_DELETE ? null : ((Input.NetCreate) w.input()).version());
                }
            }
            if (writes.isEmpty()) {
                allowed.add(null);
            }
            Integer actual = f.networks().get(key.getKey());
            if (!allowed.contains(actual)) {
                List<String> ctx = new ArrayList<>();
                ctx.add("final versions a last write could leave: " + allowed);
                out.add("network " + key.getKey() + " is " + (actual == null ? "absent" : "at version " + actual)
                        + " on " + f.server() + " (revision " + f.revision() + ")", key.getValue(), ctx);
            }
        }
        return acked;
    }

    /**
     * A write that may have left the network as it is: refusals and requests never sent changed nothing; an
     * identical create (200) counts, as it confirms its version.
     */
    private static boolean effective(Operation o) {
        return o.mayHaveApplied();
    }
}
