package dev.qnf.chaos.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one watcher received, in order: each revision's events, or a RESYNC with the whole state. The watcher
 * asked for everything from {@code fromRevision} on.
 */
public final class WatchLog {
    /** One change: PUT or DELETE of {@code key}; {@code value} is a canonical form of the object (null for DELETE). */
    public record Event(String type, String key, String value) {
    }

    /** One line of the stream, as delivered at {@code atNanos}. */
    public record Delivery(long atNanos, long revision, boolean resync, List<Event> events) {
        public Delivery {
            events = List.copyOf(events);
        }
    }

    private final String name;
    private final long fromRevision;
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile String error;

    public WatchLog(String name, long fromRevision) {
        this.name = name;
        this.fromRevision = fromRevision;
    }

    public String name() {
        return name;
    }

    public long fromRevision() {
        return fromRevision;
    }

    public synchronized void add(Delivery d) {
        deliveries.add(d);
    }

    public synchronized List<Delivery> deliveries() {
        return Collections.unmodifiableList(new ArrayList<>(deliveries));
    }

    /** The last revision delivered, or fromRevision - 1. */
    public synchronized long lastRevision() {
        return deliveries.isEmpty() ? fromRevision - 1 : deliveries.get(deliveries.size() - 1).revision();
    }

    /** Why the stream ended early, if it did (a 4xx, or the consumer failed). */
    public String error() {
        return error;
    }

    public void failed(String why) {
        error = why;
    }
}
