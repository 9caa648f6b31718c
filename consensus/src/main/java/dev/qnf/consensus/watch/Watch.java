package dev.qnf.consensus.watch;

/** A running watch; closing it stops delivery (an event being delivered finishes first). */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
