package dev.qnf.api.server;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to run one QNF server.
 *
 * @param id           Raft id of this server (a DNS-style name)
 * @param dataDir      where Raft logs, snapshots and the state store live
 * @param raftAddress  host:port Raft listens on and peers reach
 * @param apiAddress   host:port (explicit port) the gRPC + REST API listens on; also what the server announces
 *                     to clients as {@code http://host:port}, so use a reachable host, not a wildcard
 * @param peers        Raft id to host:port of every initial member including this one; empty with {@code join}
 * @param join         start with no group and wait to be added with {@code POST /v1/cluster/members}
 * @param requestTimeout how long a request waits for the cluster before answering UNAVAILABLE
 * @param maxApplyLag  how far the applied index may trail the commit index for /readyz to say ready
 */
public record ServerConfig(String id, Path dataDir, String raftAddress, String apiAddress, Map<String, String> peers,
                           boolean join, Duration requestTimeout, long maxApplyLag) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_APPLY_LAG = 10;

    public ServerConfig {
        Names.node(id);
        Objects.requireNonNull(dataDir, "dataDir");
        HostPort.parse("raftAddress", raftAddress);
        HostPort.parse("apiAddress", apiAddress);
        peers = peers == null ? Map.of() : Map.copyOf(peers);
        peers.forEach((peer, address) -> {
            Names.node(peer);
            HostPort.parse("address of peer " + peer, address);
        });
        if (join && !peers.isEmpty()) {
            throw new InvalidInputException("a joining server takes no peers; it is added by an existing member");
        }
        if (!join && !peers.isEmpty() && !peers.containsKey(id)) {
            throw new InvalidInputException("peers must include this server (" + id + ")");
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new InvalidInputException("requestTimeout must be positive");
        }
        if (maxApplyLag < 0) {
            throw new InvalidInputException("maxApplyLag must be >= 0");
        }
    }

    /**
     * A server with default timeouts. With no peers and no {@code join} it bootstraps a single-member group of
     * itself.
     */
    public static ServerConfig of(String id, Path dataDir, String raftAddress, String apiAddress,
                                  Map<String, String> peers, boolean join) {
        Map<String, String> group = peers == null || peers.isEmpty() ? (join ? Map.of() : Map.of(id, raftAddress)) : peers;
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, group, join, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_APPLY_LAG);
    }

    public ServerConfig withRequestTimeout(Duration timeout) {
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, timeout, maxApplyLag);
    }

    /** The API's base URL, as announced to clients: {@code http://host:port}. */
    public String apiUrl() {
        return "http://" + HostPort.parse("apiAddress", apiAddress);
    }

    HostPort apiHostPort() {
        return HostPort.parse("apiAddress", apiAddress);
    }
}
