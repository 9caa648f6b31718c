package dev.qnf.chaos.history;

import java.util.Locale;

/**
 * One client call as recorded: who made it ({@code process}), against which server, what it was, when it was
 * invoked and when it completed (nanoseconds since the start of the run), and what came back. For an
 * {@link Outcome#UNKNOWN} outcome, {@code completeNanos} is when the client gave up; the call itself may take
 * effect at any later time, so checkers treat it as never completing.
 */
public record Operation(long id, String process, String server, Kind kind, Input input, long invokeNanos,
                        long completeNanos, Outcome outcome, Output output) {

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** May have taken effect: answered OK, or no answer. */
    public boolean mayHaveApplied() {
        return outcome != Outcome.FAIL;
    }

    /** Completed strictly before {@code other} was invoked (so every linearization orders them so). */
    public boolean precedes(Operation other) {
        return outcome != Outcome.UNKNOWN && completeNanos < other.invokeNanos;
    }

    /** Completion time, or "infinity" for an unknown outcome. */
    public long effectiveCompleteNanos() {
        return outcome == Outcome.UNKNOWN ? Long.MAX_VALUE : completeNanos;
    }

    /** One line for excerpts: {@code #12 w3 @n2 [1.204s..1.310s] ALLOCATE alloc-a/w3-7 -> OK Allocated[...]}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "#%d %s @%s [%s..%s] %s %s -> %s %s", id, process, server,
                seconds(invokeNanos), outcome == Outcome.UNKNOWN ? "?" : seconds(completeNanos), kind, input.key(),
                outcome, output);
    }

    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
    }
}
