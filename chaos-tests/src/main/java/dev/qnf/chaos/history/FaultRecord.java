package dev.qnf.chaos.history;

/**
 * One fault as it happened: what, against whom, and when it was injected and healed (nanoseconds since the start
 * of the run; {@code healNanos} is when the heal action finished, e.g. the killed server was started again).
 * {@code leaderAtInject}/{@code termAtInject}: the leader before the fault, to measure the time to a new one.
 */
public record FaultRecord(int step, String fault, String targets, String leaderAtInject, long termAtInject,
                          long injectNanos, long healNanos, long recoveredNanos) {
}
