package dev.qnf.consensus.watch;

import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One watch. Live events are queued from the moment it is registered; its first drain reads history up to the
 * image published at that point, then delivers the queue, skipping what history already covered. Anything that
 * would leave a gap (compaction overtook the reader, the queue overflowed, a snapshot was installed) turns into a
 * resync with the then-current image: every revision after that image is still in the queue, because it is
 * published only after the image was.
 */
final class WatchStream implements Watch {
    private static final int HISTORY_PAGE = 256;

    private sealed interface Item permits Events, Resync, Failed {
    }

    private record Events(long revision, List<Change> changes) implements Item {
    }

    private record Resync() implements Item {
    }

    private record Failed(Throwable cause) implements Item {
    }

    private final long from;
    private final WatchListener listener;
    private final EventHistory history;
    private final Supplier<FabricImage> currentImage;
    private final Executor executor;
    private final int maxPending;
    private final Consumer<WatchStream> onClose;

    private final ArrayDeque<Item> queue = new ArrayDeque<>(); // guarded by this
    private int queuedEvents; // guarded by this
    private boolean scheduled; // guarded by this
    private boolean closed; // guarded by this

    // Touched only by the drain in progress; drains never overlap and hand over through the monitor.
    private boolean caughtUp;
    private long next;

    WatchStream(long from, WatchListener listener, EventHistory history, Supplier<FabricImage> currentImage,
                Executor executor, int maxPending, Consumer<WatchStream> onClose) {
        this.from = Math.max(from, 0);
        this.listener = listener;
        this.history = history;
        this.currentImage = currentImage;
        this.executor = executor;
        this.maxPending = maxPending;
        this.onClose = onClose;
        this.next = this.from;
    }

    void start() {
        synchronized (this) {
            scheduleLocked();
        }
    }

    void offer(long revision, List<Change> changes) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queuedEvents >= maxPending) {
                // Too far behind: drop the backlog, the resync carries its effect.
                replaceQueueLocked(new Resync());
            } else {
                queue.add(new Events(revision, changes));
                queuedEvents++;
            }
            scheduleLocked();
        }
    }

    void resync() {
        synchronized (this) {
            if (!closed) {
                replaceQueueLocked(new Resync());
                scheduleLocked();
            }
        }
    }

    void fail(Throwable cause) {
        synchronized (this) {
            if (!closed) {
                replaceQueueLocked(new Failed(cause));
                scheduleLocked();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedEvents = 0;
        }
        onClose.accept(this);
    }

    private void replaceQueueLocked(Item item) {
        queue.clear();
        queuedEvents = 0;
        queue.add(item);
    }

    private void scheduleLocked() {
        if (!scheduled) {
            scheduled = true;
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            if (!caughtUp) {
                catchUp();
                caughtUp = true;
            }
            while (true) {
                Item item;
                synchronized (this) {
                    item = closed ? null : queue.poll();
                    if (item == null) {
                        scheduled = false;
                        return;
                    }
                    if (item instanceof Events) {
                        queuedEvents--;
                    }
                }
                deliver(item);
            }
        } catch (Throwable t) {
            terminate(t);
        }
    }

    private void deliver(Item item) {
        if (item instanceof Events e) {
            if (e.revision() >= next) {
                listener.onEvents(e.revision(), e.changes());
                next = e.revision() + 1;
            }
        } else if (item instanceof Resync) {
            resyncNow();
        } else {
            terminate(((Failed) item).cause());
        }
    }

    private void catchUp() throws Exception {
        long upTo = currentImage.get().revision();
        long cursor = from;
        while (cursor <= upTo && !isClosed()) {
            EventHistory.Page page = history.read(cursor, upTo, HISTORY_PAGE);
            if (page.compacted()) {
                resyncNow();
                return;
            }
            for (EventHistory.Revision r : page.revisions()) {
                listener.onEvents(r.revision(), r.changes());
                next = r.revision() + 1;
            }
            if (page.revisions().size() < HISTORY_PAGE) {
                break;
            }
            cursor = next;
        }
        next = Math.max(next, upTo + 1);
    }

    private void resyncNow() {
        FabricImage image = currentImage.get();
        listener.onResync(image);
        next = image.revision() + 1;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void terminate(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queuedEvents = 0;
            scheduled = false;
        }
        onClose.accept(this);
        try {
            listener.onError(cause);
        } catch (RuntimeException ignored) {
            // The watch is already over; a listener failing to hear that changes nothing.
        }
    }
}
