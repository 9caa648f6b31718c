package dev.qnf.api.testing;

import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** A real {@link QnfServer} (Armeria on loopback) over an {@link InMemoryFabric}. */
public final class FakeServers {
    private FakeServers() {
    }

    public record Running(QnfServer server, InMemoryFabric fabric) implements Target {
        @Override
        public void close() {
            server.close();
        }
    }

    public static Running start(String id) {
        ServerConfig config = ServerConfigs.alone(id, Path.of("/nonexistent/" + id));
        AtomicReference<InMemoryFabric> fabric = new AtomicReference<>();
        try {
            QnfServer server = QnfServer.start(config, (c, metrics) -> {
                fabric.set(new InMemoryFabric(c.id(), c.raftAddress()));
                return fabric.get();
            });
            return new Running(server, fabric.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
