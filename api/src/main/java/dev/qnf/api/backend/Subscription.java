package dev.qnf.api.backend;

/** A running watch; closing it stops deliveries and is idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
