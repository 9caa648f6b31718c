package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;
import dev.qnf.chaos.history.WatchLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watch streams deliver every revision in order, without gaps or duplicates:
 * <ul>
 *   <li>each stream's revisions strictly increase from where it asked to start, and it did not end in error;</li>
 *   <li>every revision any stream delivered is delivered by every stream whose range covers it (a RESYNC covers
 *   what it skips), with the same events;</li>
 *   <li>every acknowledged write that created something is in every stream, at its revision, with its value;</li>
 *   <li>every stream delivered the marker written after the traffic stopped.</li>
 * </ul>
 */
public final class WatchGapless implements Invariant {
    private final String markerKey;

    /** {@code markerKey}: the key of the last write of the run, which every stream must deliver (null: none). */
    public WatchGapless(String markerKey) {
        this.markerKey = markerKey;
    }

    @Override
    public String name() {
        return "WatchGapless";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        if (h.watches().isEmpty()) {
            out.add("no watch stream was recorded", List.of());
        }
        TreeMap<Long, List<WatchLog.Event>> union = new TreeMap<>();
        Map<Long, String> firstFrom = new TreeMap<>();
        long deliveries = 0;
        for (WatchLog log : h.watches()) {
            if (log.error() != null) {
                out.add("watch " + log.name() + " ended with " + log.error(), List.of());
            }
            long last = log.fromRevision() - 1;
            for (WatchLog.Delivery d : log.deliveries()) {
                deliveries++;
                if (d.revision() <= last) {
                    out.add("watch " + log.name() + " delivered revision " + d.revision() + " after " + last
                            + (d.revision() == last ? " (duplicate)" : " (out of order)"), List.of());
                }
                last = Math.max(last, d.revision());
                if (d.resync()) {
                    continue;
                }
                List<WatchLog.Event> known = union.putIfAbsent(d.revision(), d.events());
                firstFrom.putIfAbsent(d.revision(), log.name());
                if (known != null && !known.equals(d.events())) {
                    out.add("at revision " + d.revision() + " watch " + log.name() + " saw " + d.events() + " but "
                            + firstFrom.get(d.revision()) + " saw " + known, List.of());
                }
            }
            if (markerKey != null && log.deliveries().stream().noneMatch(d -> d.events().stream()
                    .anyMatch(e -> e.key().equals(markerKey) && "PUT".equals(e.type())))) {
                out.add("watch " + log.name() + " stopped at revision " + log.lastRevision() + " without the final marker "
                        + markerKey, List.of());
            }
        }
        for (WatchLog log : h.watches()) {
            Map<Long, List<WatchLog.Event>> own = WatchHistory.of(log);
            List<long[]> skipped = skippedRanges(log);
            for (Long revision : union.subMap(log.fromRevision(), true, log.lastRevision(), true).keySet()) {
                if (!own.containsKey(revision) && skipped.stream().noneMatch(r -> revision > r[0] && revision <= r[1])) {
                    out.add("watch " + log.name() + " has a gap: revision " + revision + " (" + union.get(revision)
                            + ", seen by " + firstFrom.get(revision) + ") is missing", List.of());
                }
            }
        }
        Map<WatchLog, Map<Long, List<WatchLog.Event>>> perLog = new java.util.HashMap<>();
        Map<WatchLog, List<long[]>> skips = new java.util.HashMap<>();
        for (WatchLog log : h.watches()) {
            perLog.put(log, WatchHistory.of(log));
            skips.put(log, skippedRanges(log));
        }
        long writes = 0;
        for (Operation o : h.operations()) {
            WatchLog.Event expected = expectedEvent(o);
            if (expected == null) {
                continue;
            }
            writes++;
            long revision = revision(o);
            for (WatchLog log : h.watches()) {
                if (revision < log.fromRevision() || revision > log.lastRevision()
                        || skips.get(log).stream().anyMatch(r -> revision > r[0] && revision <= r[1])) {
                    continue;
                }
                List<WatchLog.Event> events = perLog.get(log).get(revision);
                if (events == null || events.stream().noneMatch(e -> e.type().equals(expected.type())
                        && e.key().equals(expected.key()) && (expected.value() == null
                        || expected.value().equals(e.value())))) {
                    out.add("acknowledged write at revision " + revision + " is not in watch " + log.name()
                            + " (it shows " + events + ")", List.of(o));
                }
            }
        }
        return out.build(h.watches().size() + " streams, " + deliveries + " deliveries, " + union.size()
                + " revisions, " + writes + " acknowledged creations");
    }

    /** Ranges (after, upTo] a RESYNC replaced: from the revision before it to the resync's revision. */
    private static List<long[]> skippedRanges(WatchLog log) {
        List<long[]> out = new ArrayList<>();
        long last = log.fromRevision() - 1;
        for (WatchLog.Delivery d : log.deliveries()) {
            if (d.resync()) {
                out.add(new long[]{last, d.revision()});
            }
            last = d.revision();
        }
        return out;
    }

    /** The event an acknowledged creating write must have produced, or null for writes that need not show. */
    private static WatchLog.Event expectedEvent(Operation o) {
        if (!o.ok()) {
            return null;
        }
        if (o.kind() == Kind.ALLOCATE && ((Output.Allocated) o.output()).created()) {
            Input.Alloc in = (Input.Alloc) o.input();
            return new WatchLog.Event("PUT", "endpoint/" + in.network() + "/" + in.endpoint(),
                    ((Output.Allocated) o.output()).ip());
        }
        if (o.kind() == Kind.NET_CREATE && ((Output.NetState) o.output()).created()) {
            return new WatchLog.Event("PUT", "network/" + o.input().key(), null);
        }
        return null;
    }

    private static long revision(Operation o) {
        return o.output() instanceof Output.Allocated a ? a.revision() : ((Output.NetState) o.output()).revision();
    }
}
