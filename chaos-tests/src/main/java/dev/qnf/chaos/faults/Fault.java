package dev.qnf.chaos.faults;

/**
 * One kind of fault: {@link #inject} breaks something, {@link #heal} repairs it (the servers a fault killed are
 * started again, rules removed, processes resumed). Each instance is used for one step of a schedule and keeps the
 * targets it chose between the two calls; every choice comes from the context's seeded random.
 */
public sealed interface Fault permits KillLeader, KillFollower, KillMajority, GracefulRestart, Partition, PauseMember,
        MembershipChange, StaleDataDir {

    /** A short stable name, e.g. {@code kill-leader}. */
    String name();

    /** Breaks something; answers what it hit, for the report (e.g. {@code s2 (leader)}). */
    String inject(FaultContext ctx) throws Exception;

    /** Undoes the fault. */
    void heal(FaultContext ctx) throws Exception;

    /** True when the fault cuts the network, which needs per-server namespaces. */
    default boolean needsPartitions() {
        return false;
    }
}
