package dev.qnf.consensus.watch;

import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.List;

/**
 * Receives a watch's stream on the watch's own delivery thread, one call at a time. Every revision at or after the
 * start that has changes arrives once, in order; revisions without changes are absent. When the stream cannot
 * continue without a gap (history compacted, the watcher fell too far behind, or the replica installed a snapshot),
 * {@link #onResync} hands over the whole current state instead and the stream continues after it.
 */
public interface WatchListener {
    void onEvents(long revision, List<Change> changes);

    /** Replace everything known with {@code current}; events that follow are newer than it. */
    void onResync(FabricImage current);

    /** The watch ended: the replica closed, history could not be read, or a callback threw. */
    void onError(Throwable t);
}
