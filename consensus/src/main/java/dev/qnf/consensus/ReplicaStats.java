package dev.qnf.consensus;

/**
 * Counters since this replica started, for operators and tests.
 *
 * @param commandsSubmitted commands this replica sent to the leader
 * @param batchesSent       Raft entries those commands travelled in (group commit: far fewer under load)
 * @param entriesApplied    committed entries applied by this replica (from any submitter)
 * @param entriesSkipped    replayed entries the store already held and that were not applied again
 * @param snapshotsInstalled snapshots received from a leader and loaded
 */
public record ReplicaStats(long commandsSubmitted, long batchesSent, long entriesApplied, long entriesSkipped,
                           long snapshotsInstalled) {
}
