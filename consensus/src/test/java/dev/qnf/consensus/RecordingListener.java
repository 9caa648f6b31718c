package dev.qnf.consensus;

import dev.qnf.consensus.watch.WatchListener;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Remembers everything a watch delivered, for assertions. */
final class RecordingListener implements WatchListener {
    record Delivery(long revision, List<Change> changes) {
    }

    final List<Delivery> events = new CopyOnWriteArrayList<>();
    final List<FabricImage> resyncs = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    @Override
    public void onEvents(long revision, List<Change> changes) {
        events.add(new Delivery(revision, changes));
    }

    @Override
    public void onResync(FabricImage current) {
        resyncs.add(current);
    }

    @Override
    public void onError(Throwable t) {
        error.set(t);
    }

    List<Long> revisions() {
        return events.stream().map(Delivery::revision).toList();
    }

    /** Every change delivered, in order. */
    List<Change> changes() {
        return events.stream().flatMap(d -> d.changes().stream()).toList();
    }
}
