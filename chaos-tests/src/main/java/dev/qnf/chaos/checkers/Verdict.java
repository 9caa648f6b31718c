package dev.qnf.chaos.checkers;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one invariant on one history: its violations (none means it holds), what was checked (for the
 * report, e.g. "1234 reads"), and a count the summary table shows (lost writes, duplicates) where it has one.
 */
public record Verdict(String invariant, List<Violation> violations, String checked, long count) {
    /** Violations kept per invariant; a broken run would otherwise print thousands. */
    public static final int MAX_VIOLATIONS = 20;

    public boolean holds() {
        return violations.isEmpty();
    }

    /** Collects violations of one invariant, keeping the first {@link #MAX_VIOLATIONS} and counting the rest. */
    public static final class Builder {
        private final String invariant;
        private final List<Violation> violations = new ArrayList<>();
        private long total;

        public Builder(String invariant) {
            this.invariant = invariant;
        }

        public void add(Violation v) {
            total++;
            if (violations.size() < MAX_VIOLATIONS) {
                violations.add(v);
            }
        }

        public void add(String message, List<dev.qnf.chaos.history.Operation> excerpt) {
            add(Violation.of(invariant, message, excerpt));
        }

        public void add(String message, List<dev.qnf.chaos.history.Operation> excerpt, List<String> context) {
            add(new Violation(invariant, message, excerpt, context));
        }

        public long total() {
            return total;
        }

        public Verdict build(String checked, long count) {
            return new Verdict(invariant, List.copyOf(violations), checked, count);
        }

        public Verdict build(String checked) {
            return build(checked, total);
        }
    }
}
