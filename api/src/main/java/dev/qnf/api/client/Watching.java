package dev.qnf.api.client;

import java.util.concurrent.CompletableFuture;

/** A running watch. Close it to stop; {@link #done()} completes when it stops, exceptionally if it failed. */
public interface Watching extends AutoCloseable {

    CompletableFuture<Void> done();

    /** The revision of the last line delivered, or {@code from - 1} before the first. */
    long lastRevision();

    @Override
    void close();
}
