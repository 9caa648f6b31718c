package dev.qnf.api.testing;

import dev.qnf.api.server.QnfServer;

/** A running server a contract test talks to, whatever fabric is behind it. */
public interface Target extends AutoCloseable {
    QnfServer server();

    default String url() {
        return server().apiUrl();
    }

    @Override
    void close();
}
