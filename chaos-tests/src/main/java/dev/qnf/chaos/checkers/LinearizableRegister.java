package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;

import java.util.List;
import java.util.Map;

/**
 * Network objects are linearizable registers: each network's creates, deletes and reads (the final read after the
 * run included) have a linearization under {@link RegisterModel}, found by an exhaustive search
 * ({@link Linearizability}). Histories are per key and small: the traffic retires a key after a few dozen
 * operations. A search that exceeds its budget is reported as inconclusive, which fails the run too: an
 * unchecked history is not a passing one.
 */
public final class LinearizableRegister implements Invariant {
    private static final long BUDGET = 5_000_000;

    @Override
    public String name() {
        return "LinearizableRegister";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        int keys = 0;
        int ops = 0;
        for (Map.Entry<String, List<Operation>> e : h.byKey(Kind.NET_CREATE, Kind.NET_DELETE, Kind.NET_GET).entrySet()) {
            List<Operation> history = e.getValue().stream().filter(RegisterModel::relevant).toList();
            keys++;
            ops += history.size();
            Linearizability.Result r = Linearizability.check(history, RegisterModel.ABSENT, RegisterModel::step, BUDGET);
            if (r == Linearizability.Result.NOT_LINEARIZABLE) {
                out.add("network " + e.getKey() + ": no linearization of its " + history.size() + " operations",
                        history);
            } else if (r == Linearizability.Result.GAVE_UP) {
                out.add("network " + e.getKey() + ": search inconclusive after " + BUDGET + " steps", history);
            }
        }
        return out.build(keys + " keys, " + ops + " operations");
    }
}
