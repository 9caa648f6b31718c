package dev.qnf.consensus.store;

/**
 * How much watch history the store keeps: at least {@code revisions} revisions behind the newest entry.
 * The floor moves in steps of a sixteenth of the window so that apply issues one range deletion every few hundred
 * entries instead of one per entry: every range deletion leaves a tombstone that reads must step over.
 * A pure function of the entry index, so replicas fed the same log keep the same history.
 */
public record EventRetention(int revisions) {
    public EventRetention {
        if (revisions < 1) {
            throw new IllegalArgumentException("event retention must be at least 1 revision, not " + revisions);
        }
    }

    /** The new floor (events below it are deleted) after applying {@code index}, or {@code current} to keep it. */
    public long floorAfter(long current, long index) {
        long wanted = index - revisions;
        long step = Math.max(1, revisions / 16);
        return wanted - current >= step ? wanted : current;
    }
}
