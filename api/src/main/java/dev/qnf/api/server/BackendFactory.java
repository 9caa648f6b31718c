package dev.qnf.api.server;

import dev.qnf.api.backend.FabricBackend;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;

/** Starts the replicated fabric for a server; tests pass an in-memory one. */
@FunctionalInterface
public interface BackendFactory {
    FabricBackend start(ServerConfig config, MeterRegistry metrics) throws IOException;
}
