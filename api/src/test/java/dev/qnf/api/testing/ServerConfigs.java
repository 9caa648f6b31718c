package dev.qnf.api.testing;

import dev.qnf.api.server.ServerConfig;

import java.nio.file.Path;

/** Configs of one server on loopback, Raft and API each on a free port. */
public final class ServerConfigs {
    private ServerConfigs() {
    }

    /** A server that founds a group of its own (no peers) and leads it. */
    public static ServerConfig alone(String id, Path dataDir) {
        return ServerConfig.of(id, dataDir, Ports.loopback(), Ports.loopback(), null, false);
    }

    /** A server in join mode: it serves its API at once and waits to be added to a group. */
    public static ServerConfig joining(String id, Path dataDir) {
        return ServerConfig.of(id, dataDir, Ports.loopback(), Ports.loopback(), null, true);
    }
}
