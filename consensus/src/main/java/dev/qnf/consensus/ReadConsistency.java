package dev.qnf.consensus;

/** How fresh a read must be. */
public enum ReadConsistency {
    /** Reflects every write acknowledged before the read began, on any replica (Raft ReadIndex). */
    LINEARIZABLE,
    /** This replica's last applied state, without a round trip; may lag the leader. */
    STALE
}
