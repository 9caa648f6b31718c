package dev.qnf.consensus;

import java.io.IOException;

/**
 * A replica refused to start because its data directory is older than what it already acknowledged to the
 * cluster: another member knows it committed entry {@code knownCommit}, but its Raft log ends at {@code logEnd}.
 * That happens when a data directory is restored from a backup or a VM snapshot. Raft assumes a member never
 * loses what it acknowledged, so such a member could neither be caught up (the leader keeps sending from where it
 * believes the member is) nor safely vote. The remedy is to remove the member, empty its data directory and add it
 * again (see docs/operations.md).
 */
public final class StaleDataDirectoryException extends IOException {
    private final long knownCommit;
    private final long logEnd;

    public StaleDataDirectoryException(String id, long knownCommit, long logEnd) {
        super("data directory of " + id + " is older than what it acknowledged: another member knows it committed "
                + "entry " + knownCommit + " but its Raft log ends at " + logEnd + " (restored from an old copy?). "
                + "Remove the member (qnf cluster remove " + id + "), empty its data directory and add it again.");
        this.knownCommit = knownCommit;
        this.logEnd = logEnd;
    }

    public long knownCommit() {
        return knownCommit;
    }

    public long logEnd() {
        return logEnd;
    }
}
