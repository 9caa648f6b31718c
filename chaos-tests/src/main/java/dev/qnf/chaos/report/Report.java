package dev.qnf.chaos.report;

import dev.qnf.chaos.ChaosConfig;
import dev.qnf.chaos.checkers.Verdict;
import dev.qnf.chaos.checkers.Violation;
import dev.qnf.chaos.checkers.WritableAfterHeal;
import dev.qnf.chaos.history.FaultRecord;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Samples;
import dev.qnf.chaos.history.WatchLog;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run and its verdicts: the summary table printed at the end of every run, and for each
 * violation the seed, the message and the history excerpt that shows it.
 */
public record Report(String run, long seed, int servers, boolean namespaces, long elapsedNanos, List<FaultRow> faults,
                     long operations, long ok, long failed, long unknown, long acknowledgedWrites, long lost,
                     long duplicates, long heldTwice, long longestUnavailableNanos, long longestUnavailableFrom,
                     List<Verdict> verdicts, List<String> harnessErrors) {

    /** One fault: what, whom, when, for how long, and how long until a new leader and a successful write. */
    public record FaultRow(int step, String fault, String targets, long injectNanos, long heldNanos,
                           long newLeaderNanos, long firstWriteNanos) {
    }

    public boolean passed() {
        return verdicts.stream().allMatch(Verdict::holds) && harnessErrors.isEmpty();
    }

    public List<Violation> violations() {
        return verdicts.stream().flatMap(v -> v.violations().stream()).toList();
    }

    public static Report of(ChaosConfig config, History h, List<Verdict> verdicts, List<String> harnessErrors,
                            long trafficStart, long trafficEnd) {
        List<FaultRow> rows = new ArrayList<>();
        List<FaultRecord> records = h.faults();
        for (int i = 0; i < records.size(); i++) {
            FaultRecord f = records.get(i);
            long until = i + 1 < records.size() ? records.get(i + 1).injectNanos() : h.endNanos();
            long first = WritableAfterHeal.firstWriteAfter(h, f.healNanos());
            rows.add(new FaultRow(f.step(), f.fault(), f.targets(), f.injectNanos(), f.healNanos() - f.injectNanos(),
                    newLeader(h, f, until), first < 0 ? -1 : first - f.healNanos()));
        }
        long ok = h.operations().stream().filter(o -> o.outcome() == Outcome.OK).count();
        long failed = h.operations().stream().filter(o -> o.outcome() == Outcome.FAIL).count();
        long unknown = h.operations().stream().filter(o -> o.outcome() == Outcome.UNKNOWN).count();
        long acked = h.operations().stream().filter(o -> o.kind().isWrite() && o.ok()).count();
        List<Operation> writes = h.operations().stream().filter(o -> o.kind().isWrite() && o.ok()
                && o.completeNanos() >= trafficStart && o.completeNanos() <= trafficEnd)
                .sorted(Comparator.comparingLong(Operation::completeNanos)).toList();
        long longest = 0;
        long from = trafficStart;
        long previous = trafficStart;
        for (Operation w : writes) {
            if (w.completeNanos() - previous > longest) {
                longest = w.completeNanos() - previous;
                from = previous;
            }
            previous = w.completeNanos();
        }
        if (trafficEnd - previous > longest) {
            longest = trafficEnd - previous;
            from = previous;
        }
        return new Report(h.run(), h.seed(), config.schedule().servers(), config.namespaces(), h.endNanos(), rows,
                h.operations().size(), ok, failed, unknown, acked, count(verdicts, "NoLostAcknowledgedWrites"),
                count(verdicts, "RetryAppliedOnce"), count(verdicts, "NoAddressHeldTwice"), longest, from,
                verdicts, harnessErrors);
    }

    /** Time from the injection to the first sample of a leader in a newer term, or -1. */
    private static long newLeader(History h, FaultRecord f, long until) {
        for (Samples.LeaderSample s : h.leaders()) {
            if (s.atNanos() >= f.injectNanos() && s.atNanos() < until && s.leader() != null
                    && s.term() > f.termAtInject()) {
                return s.atNanos() - f.injectNanos();
            }
        }
        return -1;
    }

    private static long count(List<Verdict> verdicts, String name) {
        return verdicts.stream().filter(v -> v.invariant().equals(name)).mapToLong(Verdict::count).sum();
    }

    /** The summary table, then every violation with its excerpt and how to replay it. */
    public void print(PrintStream out, String replay) {
        out.println();
        out.printf(Locale.ROOT, "== QNF chaos run %s: %d servers%s, seed %d, %s ==%n", run, servers,
                namespaces ? " in network namespaces" : " on loopback", seed, duration(elapsedNanos));
        out.printf(Locale.ROOT, "%4s  %-18s  %-34s  %9s  %6s  %10s  %11s%n", "step", "fault", "targets", "injected",
                "held", "new leader", "write after");
        for (FaultRow r : faults) {
            out.printf(Locale.ROOT, "%4d  %-18s  %-34s  %9s  %6s  %10s  %11s%n", r.step(), r.fault(),
                    r.targets().length() > 34 ? r.targets().substring(0, 34) : r.targets(), secs(r.injectNanos()),
                    secs(r.heldNanos()), r.newLeaderNanos() < 0 ? "-" : secs(r.newLeaderNanos()),
                    r.firstWriteNanos() < 0 ? "never" : secs(r.firstWriteNanos()));
        }
        out.println("  (held: inject to heal done; new leader: inject to a leader in a newer term; write after: heal"
                + " to the first acknowledged write)");
        out.printf(Locale.ROOT, "  %-24s %d%n", "faults injected", faults.size());
        out.printf(Locale.ROOT, "  %-24s %d  (ok %d, failed %d, unknown %d)%n", "operations", operations, ok, failed,
                unknown);
        out.printf(Locale.ROOT, "  %-24s %d%n", "acknowledged writes", acknowledgedWrites);
        out.printf(Locale.ROOT, "  %-24s %d%n", "lost", lost);
        out.printf(Locale.ROOT, "  %-24s %d%n", "duplicates", duplicates);
        out.printf(Locale.ROOT, "  %-24s %d%n", "addresses held twice", heldTwice);
        out.printf(Locale.ROOT, "  %-24s %s (from %s)%n", "longest unavailability", secs(longestUnavailableNanos),
                secs(longestUnavailableFrom));
        out.println("  invariants:");
        for (Verdict v : verdicts) {
            out.printf(Locale.ROOT, "    %-28s %-9s %s%n", v.invariant(), v.holds() ? "ok" : "VIOLATED", v.checked());
        }
        harnessErrors.forEach(e -> out.println("  harness error: " + e));
        for (Violation v : violations()) {
            out.println();
            out.printf(Locale.ROOT, "!! %s violated (run %s, seed %d): %s%n", v.invariant(), run, seed, v.message());
            v.context().forEach(c -> out.println("   " + c));
            if (!v.excerpt().isEmpty()) {
                out.println("   history excerpt:");
                v.excerpt().stream().limit(60).forEach(o -> out.println("     " + o));
            }
            out.println("   replay: " + replay);
        }
        out.println(passed() ? "== chaos run " + run + " passed ==" : "== chaos run " + run + " FAILED ==");
    }

    /** Every operation, watch delivery and sample, one per line, for reading after a failure. */
    public static void writeHistory(History h, Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("# run " + h.run() + " seed " + h.seed());
            h.faults().forEach(f -> w.println("fault " + f));
            h.operations().forEach(w::println);
            for (WatchLog log : h.watches()) {
                for (WatchLog.Delivery d : log.deliveries()) {
                    w.println("watch " + log.name() + " " + secs(d.atNanos()) + " rev " + d.revision()
                            + (d.resync() ? " RESYNC" : "") + " " + d.events());
                }
            }
            h.leaders().forEach(s -> w.println("leader " + s));
            h.hashes().forEach(s -> w.println("hash " + s));
            h.finals().forEach(f -> w.println("final " + f.server() + " rev " + f.revision() + " " + f.hash()
                    + " " + f.networks() + " " + f.allocations()));
        }
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    static String duration(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

}
