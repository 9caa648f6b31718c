package dev.qnf.api.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.qnf.api.json.AddMemberRequest;
import dev.qnf.api.json.AllocationList;
import dev.qnf.api.json.AuditList;
import dev.qnf.api.json.RevocationView;
import dev.qnf.api.json.UserRevocationView;
import dev.qnf.api.json.RevokeRequest;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.Deleted;
import dev.qnf.api.json.ExplainView;
import dev.qnf.api.json.IdentityList;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.LabelRequest;
import dev.qnf.api.json.NetworkList;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.NodeList;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.PolicyApplied;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyList;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.Readiness;
import dev.qnf.api.json.RenewRequest;
import dev.qnf.api.json.CaView;
import dev.qnf.api.json.RetireRequest;
import dev.qnf.api.json.RenewedCertificate;
import dev.qnf.api.json.SnapshotView;
import dev.qnf.api.json.StateHashView;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenList;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.json.TransferLeaderRequest;
import dev.qnf.api.json.WatchMessage;

import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.TlsFiles;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The QNF REST API as Java calls. Every call throws {@link QnfApiException} for an error answer (with the status
 * and stable code of the body) or when no server answers. Given several server URLs it fails over to the next on
 * connection errors, timeouts and 503s. Thread-safe; one instance per process is plenty.
 */
public final class QnfClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;

    private QnfClient(List<URI> endpoints, Duration timeout, TlsFiles tls) {
        this.transport = new Transport(endpoints, tls == null ? HttpClients.plaintext()
                : HttpClients.presenting(ReloadingIdentity.of(tls)), timeout);
    }

    /** A plaintext client of the servers at these base URLs (in-process tests of a server without TLS). */
    public static QnfClient connect(String... urls) {
        return connect(Arrays.stream(urls).map(QnfClient::baseUri).toList(), DEFAULT_TIMEOUT);
    }

    public static QnfClient connect(List<URI> endpoints, Duration timeout) {
        return connect(endpoints, timeout, null);
    }

    /** An mTLS client presenting the identity in {@code tls}, of the servers at these URLs ({@code https://host:port}). */
    public static QnfClient connect(TlsFiles tls, String... urls) {
        return connect(Arrays.stream(urls).map(QnfClient::baseUri).toList(), DEFAULT_TIMEOUT, tls);
    }

    /**
     * A client presenting the identity in {@code tls} (files reloaded when they change, so a renewed certificate is
     * used without a restart); {@code null} for plaintext.
     */
    public static QnfClient connect(List<URI> endpoints, Duration timeout, TlsFiles tls) {
        return new QnfClient(endpoints.stream().map(u -> baseUri(u.toString())).toList(), timeout, tls);
    }

    public List<URI> endpoints() {
        return transport.endpoints();
    }

    // ------------------------------------------------------------------ networks

    /** Creates a network; retrying an identical create answers the existing one with {@code created} false. */
    public Written<NetworkView> createNetwork(NetworkRequest request) {
        return written(transport.send("POST", "/v1/networks", request), NetworkView.class);
    }

    public NetworkView getNetwork(String name) {
        return getNetwork(name, false);
    }

    public NetworkView getNetwork(String name, boolean stale) {
        return get("/v1/networks/" + segment(name) + stale(stale), NetworkView.class);
    }

    public NetworkList listNetworks() {
        return listNetworks(false);
    }

    public NetworkList listNetworks(boolean stale) {
        return get("/v1/networks" + stale(stale), NetworkList.class);
    }

    public Deleted deleteNetwork(String name) {
        return call("DELETE", "/v1/networks/" + segment(name), null, Deleted.class);
    }

    // ------------------------------------------------------------------ allocations

    /** Allocates addresses for an endpoint; a retry answers the first allocation with {@code created} false. */
    public Written<AllocationView> allocate(String network, AllocationRequest request) {
        return written(transport.send("POST", "/v1/networks/" + segment(network) + "/allocations", request),
                AllocationView.class);
    }

    /** Idempotent: releasing an endpoint that holds nothing succeeds. */
    public Deleted release(String network, String endpoint) {
        return call("DELETE", "/v1/networks/" + segment(network) + "/allocations/" + segment(endpoint), null,
                Deleted.class);
    }

    public AllocationList listAllocations(String network) {
        return listAllocations(network, false);
    }

    public AllocationList listAllocations(String network, boolean stale) {
        return get("/v1/networks/" + segment(network) + "/allocations" + stale(stale), AllocationList.class);
    }

    /** Sets labels and removes label keys on an endpoint; answers the endpoint as it now stands. */
    public AllocationView labelEndpoint(String network, String endpoint, LabelRequest request) {
        return call("POST", "/v1/networks/" + segment(network) + "/allocations/" + segment(endpoint) + "/labels",
                request, AllocationView.class);
    }

    // ------------------------------------------------------------------ policy

    /**
     * Applies a policy file: its policies and defaults are written only if all its tests pass against the result
     * (otherwise a {@link QnfApiException} with code FAILED_PRECONDITION lists the failures).
     */
    public Written<PolicyApplied> applyPolicies(PolicyFile file) {
        return written(transport.send("POST", "/v1/policies", file), PolicyApplied.class);
    }

    /** Policies of {@code namespace}, or of every namespace when it is null. */
    public PolicyList listPolicies(String namespace) {
        return get("/v1/policies" + (namespace == null ? "" : "?namespace=" + segment(namespace)), PolicyList.class);
    }

    public PolicyView getPolicy(String namespace, String name) {
        return get("/v1/policies/" + segment(namespace) + "/" + segment(name), PolicyView.class);
    }

    public Deleted deletePolicy(String namespace, String name) {
        return call("DELETE", "/v1/policies/" + segment(namespace) + "/" + segment(name), null, Deleted.class);
    }

    /** Why {@code from} may or may not reach {@code to}; {@code proto} null means tcp, {@code port} null none. */
    public ExplainView explain(String from, String to, String proto, Integer port) {
        StringBuilder q = new StringBuilder("/v1/policy/explain?from=").append(segment(from)).append("&to=")
                .append(segment(to));
        if (proto != null) {
            q.append("&proto=").append(segment(proto));
        }
        if (port != null) {
            q.append("&port=").append(port);
        }
        return get(q.toString(), ExplainView.class);
    }

    public IdentityList listIdentities() {
        return get("/v1/identities", IdentityList.class);
    }

    // ------------------------------------------------------------------ nodes

    public NodeList listNodes() {
        return listNodes(false);
    }

    public NodeList listNodes(boolean stale) {
        return get("/v1/nodes" + stale(stale), NodeList.class);
    }

    public NodeView getNode(String name) {
        return getNode(name, false);
    }

    public NodeView getNode(String name, boolean stale) {
        return get("/v1/nodes/" + segment(name) + stale(stale), NodeView.class);
    }

    /** Registers or renews a node; {@code created} is true the first time. */
    public Written<NodeView> registerNode(String name, NodeRequest request) {
        return written(transport.send("PUT", "/v1/nodes/" + segment(name), request), NodeView.class);
    }

    public Deleted removeNode(String name) {
        return call("DELETE", "/v1/nodes/" + segment(name), null, Deleted.class);
    }

    // ------------------------------------------------------------------ join tokens

    /** Makes a join token; the answer holds its secret, shown this once. */
    public TokenCreated createToken(TokenRequest request) {
        return call("POST", "/v1/tokens", request, TokenCreated.class);
    }

    public TokenList listTokens() {
        return listTokens(false);
    }

    /** {@code stale}: as the answering server has applied it (no round through the leader). */
    public TokenList listTokens(boolean stale) {
        return get("/v1/tokens" + stale(stale), TokenList.class);
    }

    public Deleted deleteToken(String id) {
        return call("DELETE", "/v1/tokens/" + segment(id), null, Deleted.class);
    }

    /** Revokes a node's identity cluster-wide; {@code serial} (may be null) names the certificate revoked. */
    public Written<RevocationView> revokeNode(String name, String serial) {
        return written(transport.send("POST", "/v1/nodes/" + segment(name) + "/revoke", new RevokeRequest(serial)),
                RevocationView.class);
    }

    /** Lifts a node's revocation: certificates issued from now on are accepted, older ones stay refused. */
    public RevocationView unrevokeNode(String name) {
        return call("DELETE", "/v1/nodes/" + segment(name) + "/revoke", null, RevocationView.class);
    }

    /** Revokes a user's certificates cluster-wide (not the caller's own: 409). */
    public Written<UserRevocationView> revokeUser(String name, String serial) {
        return written(transport.send("POST", "/v1/users/" + segment(name) + "/revoke", new RevokeRequest(serial)),
                UserRevocationView.class);
    }

    /** Lifts a user's revocation, as {@link #unrevokeNode}. */
    public UserRevocationView unrevokeUser(String name) {
        return call("DELETE", "/v1/users/" + segment(name) + "/revoke", null, UserRevocationView.class);
    }

    // ------------------------------------------------------------------ certificates

    /**
     * A new certificate with the caller's identity for the key of {@code csrPem} (see {@link CertificateRenewer},
     * which does the whole renewal); a server that holds no CA key (409 FAILED_PRECONDITION) passes to the next.
     */
    public RenewedCertificate renewCertificate(String csrPem) {
        HttpResponse<byte[]> r = transport.send("POST", "/v1/certificates/renew", new RenewRequest(csrPem),
                answer -> answer.statusCode() == 409
                        && "FAILED_PRECONDITION".equals(Transport.error(409, answer.body()).code()));
        if (r.statusCode() != 200) {
            throw Transport.error(r.statusCode(), r.body());
        }
        return read(r.body(), Json.lenient().constructType(RenewedCertificate.class), r.statusCode());
    }

    // ------------------------------------------------------------------ cluster CA

    /** {@code GET /v1/ca}: the trust bundle, the signer and the last rotation. */
    public CaView caStatus() {
        return get("/v1/ca", CaView.class);
    }

    /**
     * {@code POST /v1/ca/rotate}: a new cluster CA, cross-signed by the current one, trusted next to it. A server
     * without the CA key answers 409 FAILED_PRECONDITION and the next is asked (as for renewal).
     */
    public Written<CaView> rotateCa() {
        return written(transport.send("POST", "/v1/ca/rotate", null, answer -> answer.statusCode() == 409
                && "FAILED_PRECONDITION".equals(Transport.error(409, answer.body()).code())), CaView.class);
    }

    /** {@code POST /v1/ca/retire-old}: stop trusting the CA the last rotation replaced. */
    public CaView retireOldCa(boolean force) {
        return call("POST", "/v1/ca/retire-old", new RetireRequest(force), CaView.class);
    }

    // ------------------------------------------------------------------ audit

    /** The audit trail; {@code since} a revision or ISO-8601 time, {@code who} a SPIFFE ID or name (both optional). */
    public AuditList audit(String since, String who) {
        StringBuilder q = new StringBuilder();
        if (since != null) {
            q.append(q.length() == 0 ? "?" : "&").append("since=").append(URLEncoder.encode(since, StandardCharsets.UTF_8));
        }
        if (who != null) {
            q.append(q.length() == 0 ? "?" : "&").append("who=").append(URLEncoder.encode(who, StandardCharsets.UTF_8));
        }
        return get("/v1/audit" + q, AuditList.class);
    }

    // ------------------------------------------------------------------ cluster

    public ClusterView cluster() {
        return get("/v1/cluster", ClusterView.class);
    }

    /** Adds a server (by Raft id and Raft host:port) to the group; answers the new status. */
    public ClusterView addMember(String id, String raftAddress) {
        return call("POST", "/v1/cluster/members", new AddMemberRequest(id, raftAddress), ClusterView.class);
    }

    public ClusterView removeMember(String id) {
        return call("DELETE", "/v1/cluster/members/" + segment(id), null, ClusterView.class);
    }

    /** Moves leadership to {@code id}, or lets Raft choose when it is null. */
    public ClusterView transferLeader(String id) {
        return call("POST", "/v1/cluster/leader", new TransferLeaderRequest(id), ClusterView.class);
    }

    public SnapshotView snapshot() {
        return call("POST", "/v1/cluster/snapshot", null, SnapshotView.class);
    }

    /** {@code GET /v1/debug/state-hash}: a digest of the answering server's applied state and its revision. */
    public StateHashView stateHash() {
        return get("/v1/debug/state-hash", StateHashView.class);
    }

    // ------------------------------------------------------------------ health

    /** {@code /readyz} of the first server that answers; a not-ready server answers 503, so this may fail over. */
    public Readiness readiness() {
        HttpResponse<byte[]> r = transport.send("GET", "/readyz", null);
        return read(r.body(), Json.lenient().constructType(Readiness.class), r.statusCode());
    }

    // ------------------------------------------------------------------ watch

    /**
     * Streams changes from revision {@code from} (inclusive; null means from now) to {@code consumer} on a
     * background thread, one {@link WatchMessage} per revision, or a RESYNC message when {@code from} was
     * compacted. Resumes after the last delivered revision if the connection breaks.
     */
    public Watching watch(Long from, Consumer<WatchMessage> consumer) {
        return new WatchStream(transport, from, consumer).start();
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its resources go with the last reference.
    }

    // ------------------------------------------------------------------ plumbing

    private <T> T get(String path, Class<T> type) {
        return call("GET", path, null, type);
    }

    private <T> T call(String method, String path, Object body, Class<T> type) {
        HttpResponse<byte[]> r = transport.send(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw Transport.error(r.statusCode(), r.body());
        }
        return read(r.body(), Json.lenient().constructType(type), r.statusCode());
    }

    private <T> Written<T> written(HttpResponse<byte[]> r, Class<T> type) {
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw Transport.error(r.statusCode(), r.body());
        }
        return new Written<>(read(r.body(), Json.lenient().constructType(type), r.statusCode()),
                r.statusCode() == 201);
    }

    private static <T> T read(byte[] body, JavaType type, int status) {
        try {
            return Json.lenient().readValue(body, type);
        } catch (IOException e) {
            throw new QnfApiException(status, "BAD_RESPONSE", "unreadable answer from server: " + e.getMessage(), e);
        }
    }

    private static String stale(boolean stale) {
        return stale ? "?stale=true" : "";
    }

    private static String segment(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("path segment is empty");
        }
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI baseUri(String url) {
        String u = url.contains("://") ? url : "http://" + url;
        return URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }
}
