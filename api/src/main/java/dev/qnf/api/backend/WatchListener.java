package dev.qnf.api.backend;

import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.List;

/** Receives a watch's deliveries, one at a time and in revision order. */
public interface WatchListener {
    void onEvents(long revision, List<Change> changes);

    /** The requested revision is gone; here is the whole state. Events continue from {@code current.revision() + 1}. */
    void onResync(FabricImage current);

    /** The watch ended abnormally; no further calls follow. */
    void onError(Throwable t);
}
