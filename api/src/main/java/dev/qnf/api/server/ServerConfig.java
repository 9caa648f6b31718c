package dev.qnf.api.server;

import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.TlsFiles;
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
 * @param tls          this server's identity (certificate with {@code spiffe://<cluster>/server/<id>}, key, trust
 *                     bundle): the API then serves mTLS only (TLS 1.3, client certificate required); see
 *                     docs/security.md. Without it the API is plaintext, which only some in-process tests still use.
 * @param joinPort     the join port, or null
 * @param issuer       this server's copy of the cluster CA ({@code <data>/pki/ca}), with which it renews callers'
 *                     certificates ({@code POST /v1/certificates/renew}); null: the join port's, or none (a server
 *                     without the CA answers renewals FAILED_PRECONDITION, so that clients ask another)
 * @param pruneTokens  whether this server, while it leads, garbage-collects expired join tokens (the default)
 */
public record ServerConfig(String id, Path dataDir, String raftAddress, String apiAddress, Map<String, String> peers,
                           boolean join, Duration requestTimeout, long maxApplyLag, TlsFiles tls, JoinPort joinPort,
                           Issuer issuer, boolean pruneTokens) {
    /**
     * The join port: TLS with the server's certificate but no client certificate asked for, serving only
     * {@code /v1/join} (a join token exchanged for a certificate signed by the CA in {@code caDir}, whose key
     * {@code passphrase} decrypts if it is encrypted).
     */
    public record JoinPort(String address, Path caDir, CaPassphrase passphrase) {
        public JoinPort {
            HostPort.parse("joinAddress", address);
            Objects.requireNonNull(caDir, "caDir");
            passphrase = passphrase == null ? CaPassphrase.none() : passphrase;
        }

        public JoinPort(String address, Path caDir) {
            this(address, caDir, CaPassphrase.none());
        }
    }

    /** The cluster CA a server issues with: its directory, and what decrypts its key if it is encrypted. */
    public record Issuer(Path caDir, CaPassphrase passphrase) {
        public Issuer {
            Objects.requireNonNull(caDir, "caDir");
            passphrase = passphrase == null ? CaPassphrase.none() : passphrase;
        }
    }

    public ServerConfig(String id, Path dataDir, String raftAddress, String apiAddress, Map<String, String> peers,
                        boolean join, Duration requestTimeout, long maxApplyLag, TlsFiles tls) {
        this(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, tls, null, null, true);
    }

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_APPLY_LAG = 10;

    /** A server without TLS (in-process tests only). */
    public ServerConfig(String id, Path dataDir, String raftAddress, String apiAddress, Map<String, String> peers,
                        boolean join, Duration requestTimeout, long maxApplyLag) {
        this(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, null, null, null, true);
    }

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
        if (joinPort != null && tls == null) {
            throw new InvalidInputException("a join port needs TLS");
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
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, timeout, maxApplyLag, tls, joinPort,
                issuer, pruneTokens);
    }

    /** This server with an mTLS identity (see {@link dev.qnf.api.pki.ClusterPki} to make one). */
    public ServerConfig withTls(TlsFiles tls) {
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, tls,
                joinPort, issuer, pruneTokens);
    }

    /** This server with a join port (needs TLS; see {@link JoinPort}). */
    public ServerConfig withJoinPort(String address, Path caDir) {
        return withJoinPort(address, caDir, CaPassphrase.none());
    }

    /** This server with a join port whose CA key is encrypted under {@code passphrase}. */
    public ServerConfig withJoinPort(String address, Path caDir, CaPassphrase passphrase) {
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, tls,
                new JoinPort(address, caDir, passphrase), issuer, pruneTokens);
    }

    /** This server renewing callers' certificates with the cluster CA in {@code caDir} (see {@link #issuer}). */
    public ServerConfig withCa(Path caDir, CaPassphrase passphrase) {
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, tls,
                joinPort, new Issuer(caDir, passphrase), pruneTokens);
    }

    /**
     * A server that does not garbage-collect expired join tokens (on by default, see {@link ExpiredTokenPruner}):
     * for tests that require the state to change only by their own requests.
     */
    public ServerConfig withoutTokenPruning() {
        return new ServerConfig(id, dataDir, raftAddress, apiAddress, peers, join, requestTimeout, maxApplyLag, tls,
                joinPort, issuer, false);
    }

    public ServerConfig withCa(Path caDir) {
        return withCa(caDir, CaPassphrase.none());
    }

    /** The CA this server renews certificates with: {@link #issuer}, else the join port's, else null. */
    public Issuer issuingCa() {
        return issuer != null ? issuer : joinPort != null ? new Issuer(joinPort.caDir(), joinPort.passphrase()) : null;
    }

    /** The API's base URL, as announced to clients: {@code https://host:port} ({@code http} without TLS). */
    public String apiUrl() {
        return (tls != null ? "https://" : "http://") + HostPort.parse("apiAddress", apiAddress);
    }

    HostPort apiHostPort() {
        return HostPort.parse("apiAddress", apiAddress);
    }
}
