package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;

/** A named property every run must have; checked on the recorded history after the run. */
public interface Invariant {

    /** The name printed in reports, e.g. {@code NoAddressHeldTwice}. */
    String name();

    Verdict check(History history);
}
