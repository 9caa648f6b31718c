package dev.qnf.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything recorded in one run, for the checkers: operations, watch streams, the observer's samples, the
 * faults, each server's final state, and the node agent's (null when the run had no agent). Immutable once built.
 */
public record History(long seed, String run, List<Operation> operations, List<WatchLog> watches,
                      List<Samples.LeaderSample> leaders, List<Samples.HashSample> hashes, List<FaultRecord> faults,
                      List<FinalState> finals, AgentFinal agent, long endNanos) {

    public History {
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingLong(Operation::id));
        operations = List.copyOf(sorted);
        watches = List.copyOf(watches);
        leaders = List.copyOf(leaders);
        hashes = List.copyOf(hashes);
        faults = List.copyOf(faults);
        finals = List.copyOf(finals);
    }

    public List<Operation> of(Kind kind) {
        return operations.stream().filter(o -> o.kind() == kind).toList();
    }

    /** Operations grouped by their input's key, in invocation order. */
    public Map<String, List<Operation>> byKey(Kind... kinds) {
        List<Kind> wanted = List.of(kinds);
        Map<String, List<Operation>> m = new LinkedHashMap<>();
        for (Operation o : operations) {
            if (wanted.contains(o.kind())) {
                m.computeIfAbsent(o.input().key(), k -> new ArrayList<>()).add(o);
            }
        }
        return m;
    }
}
