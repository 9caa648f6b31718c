package dev.qnf.consensus.watch;

import dev.qnf.fabric.state.Change;

import java.io.IOException;
import java.util.List;

/** Stored changes by revision, as far back as retention keeps them. */
public interface EventHistory {

    /**
     * Up to {@code limit} revisions with changes in {@code [from, to]}, oldest first; {@code compacted} if
     * revisions at or after {@code from} may already be deleted, in which case the page is empty.
     */
    Page read(long from, long to, int limit) throws IOException;

    record Page(boolean compacted, List<Revision> revisions) {
        public Page {
            revisions = List.copyOf(revisions);
        }

        public static Page compactedPage() {
            return new Page(true, List.of());
        }
    }

    /** The changes one log entry made, in the order it made them. */
    record Revision(long revision, List<Change> changes) {
        public Revision {
            changes = List.copyOf(changes);
        }
    }
}
