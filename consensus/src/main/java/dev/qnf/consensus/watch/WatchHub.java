package dev.qnf.consensus.watch;

import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Fans applied changes out to open watches. Apply calls {@link #publish} and never waits: each watch queues what
 * it receives and delivers it on the shared executor, one drain at a time per watch.
 */
public final class WatchHub implements AutoCloseable {
    private final EventHistory history;
    private final Supplier<FabricImage> currentImage;
    private final Executor executor;
    private final int maxPending;
    private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param currentImage the last published image; it must be published only after its changes are in
     *                     {@code history} and before they are {@linkplain #publish published} here
     * @param maxPending   events a watch may queue before it is resynced instead
     */
    public WatchHub(EventHistory history, Supplier<FabricImage> currentImage, Executor executor, int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive, not " + maxPending);
        }
        this.history = history;
        this.currentImage = currentImage;
        this.executor = executor;
        this.maxPending = maxPending;
    }

    public Watch watch(long fromRevision, WatchListener listener) {
        WatchStream stream = new WatchStream(fromRevision, listener, history, currentImage, executor, maxPending,
                streams::remove);
        // Registered before history is read, so nothing published from here on can slip between the two.
        streams.add(stream);
        if (closed) {
            stream.fail(new IllegalStateException("replica is closed"));
        } else {
            stream.start();
        }
        return stream;
    }

    /** Called by apply, in revision order, after the image of {@code revision} is published. */
    public void publish(long revision, List<Change> changes) {
        for (WatchStream s : streams) {
            s.offer(revision, changes);
        }
    }

    /** History was replaced wholesale (a snapshot was installed): every watch starts over from the new state. */
    public void resyncAll() {
        streams.forEach(WatchStream::resync);
    }

    public int size() {
        return streams.size();
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(s -> s.fail(new IllegalStateException("replica is closed")));
    }
}
