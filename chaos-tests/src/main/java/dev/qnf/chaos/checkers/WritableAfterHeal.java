package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.FaultRecord;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Operation;

import java.time.Duration;
import java.util.List;

/**
 * After each fault is healed, a write succeeds within {@code bound}: the first acknowledged write invoked after the
 * heal completes no later than heal + bound. (The figure is in the report's fault table.)
 */
public final class WritableAfterHeal implements Invariant {
    private final Duration bound;

    public WritableAfterHeal(Duration bound) {
        this.bound = bound;
    }

    @Override
    public String name() {
        return "WritableAfterHeal";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        long worst = 0;
        for (FaultRecord f : h.faults()) {
            long first = firstWriteAfter(h, f.healNanos());
            if (first < 0 || first - f.healNanos() > bound.toNanos()) {
                out.add("after " + f.fault() + " (step " + f.step() + ") was healed at "
                        + Operation.seconds(f.healNanos()) + " no write succeeded within " + bound.toSeconds() + " s"
                        + (first < 0 ? "" : " (first at " + Operation.seconds(first) + ")"), List.of());
            } else {
                worst = Math.max(worst, first - f.healNanos());
            }
        }
        return out.build(h.faults().size() + " heals, slowest " + Operation.seconds(worst) + " (bound "
                + bound.toSeconds() + " s)");
    }

    /** Completion of the first acknowledged write invoked at or after {@code nanos}, or -1. */
    public static long firstWriteAfter(History h, long nanos) {
        long best = Long.MAX_VALUE;
        for (Operation o : h.operations()) {
            if (o.kind().isWrite() && o.ok() && o.invokeNanos() >= nanos && o.completeNanos() < best) {
                best = o.completeNanos();
            }
        }
        return best == Long.MAX_VALUE ? -1 : best;
    }
}
