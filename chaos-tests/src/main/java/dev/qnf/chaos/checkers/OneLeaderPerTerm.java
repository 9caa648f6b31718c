package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Samples;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Raft's election safety, as the servers report it: no term ever has two different leaders. */
public final class OneLeaderPerTerm implements Invariant {
    @Override
    public String name() {
        return "OneLeaderPerTerm";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        Map<Long, Samples.LeaderSample> byTerm = new TreeMap<>();
        for (Samples.LeaderSample s : h.leaders()) {
            if (s.leader() == null) {
                continue;
            }
            Samples.LeaderSample known = byTerm.putIfAbsent(s.term(), s);
            if (known != null && !known.leader().equals(s.leader())) {
                out.add("term " + s.term() + ": " + known.server() + " saw leader " + known.leader() + ", "
                        + s.server() + " saw " + s.leader(), List.of());
            }
        }
        return out.build(h.leaders().size() + " samples, " + byTerm.size() + " terms");
    }
}
