package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Samples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All replicas have the same state at the same revision: every pair of state-hash samples (taken twice a second
 * from every member during the run) at one revision has one hash, and after the run every server reached the same
 * revision with the same hash.
 */
public final class ReplicasConverge implements Invariant {
    @Override
    public String name() {
        return "ReplicasConverge";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        Map<Long, Samples.HashSample> first = new LinkedHashMap<>();
        Map<Long, Boolean> reported = new LinkedHashMap<>();
        for (Samples.HashSample s : h.hashes()) {
            Samples.HashSample known = first.putIfAbsent(s.revision(), s);
            if (known != null && !known.hash().equals(s.hash()) && reported.putIfAbsent(s.revision(), true) == null) {
                out.add("at revision " + s.revision() + " " + known.server() + " has state " + abbrev(known.hash())
                        + " but " + s.server() + " has " + abbrev(s.hash()), List.of());
            }
        }
        List<FinalState> finals = h.finals();
        if (finals.isEmpty()) {
            out.add("no final state was read", List.of());
        } else {
            FinalState a = finals.get(0);
            for (FinalState b : finals.subList(1, finals.size())) {
                if (a.revision() != b.revision() || !a.hash().equals(b.hash())) {
                    List<String> ctx = new ArrayList<>();
                    finals.forEach(f -> ctx.add(f.server() + ": revision " + f.revision() + " hash " + abbrev(f.hash())));
                    out.add("servers did not converge after the run: " + a.server() + " and " + b.server() + " differ",
                            List.of(), ctx);
                    break;
                }
            }
        }
        return out.build(h.hashes().size() + " samples at " + first.size() + " revisions, " + finals.size()
                + " final states");
    }

    private static String abbrev(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
