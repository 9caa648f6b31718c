package dev.qnf.api.service;

import dev.qnf.api.auth.RevokedCertificates;
import dev.qnf.api.backend.Committed;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.backend.Subscription;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.DeleteToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.DeletePolicy;
import dev.qnf.fabric.command.LabelEndpoint;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.command.RemoveNode;
import dev.qnf.fabric.command.RevokeNode;
import dev.qnf.fabric.command.RevokeUser;
import dev.qnf.fabric.command.UnrevokeNode;
import dev.qnf.fabric.command.UnrevokeUser;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.Revocation;
import dev.qnf.fabric.model.RevokedIdentity;
import dev.qnf.fabric.model.UserRevocation;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.policy.Explanation;
import dev.qnf.fabric.policy.FlowEnd;
import dev.qnf.fabric.policy.PolicyEngine;
import dev.qnf.fabric.policy.Protocol;
import dev.qnf.fabric.state.AuditTrail;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Networks, allocations, nodes and watches. Every method validates its input before building a command (bad
 * input throws {@code InvalidInputException} and never reaches the log), and every future fails with an
 * {@link ApiException} or an exception that {@link dev.qnf.api.errors.Errors#classify} maps.
 */
public final class FabricService {
    private final FabricBackend backend;
    private final Clock clock;
    private final Duration timeout;
    private final Supplier<String> caller;

    public FabricService(FabricBackend backend, Clock clock, Duration timeout) {
        this(backend, clock, timeout, () -> "anonymous");
    }

    /**
     * @param caller who is asking, read when a write is submitted (the server passes the request's SPIFFE ID):
     *               every write is attributed to it for the audit trail
     */
    public FabricService(FabricBackend backend, Clock clock, Duration timeout, Supplier<String> caller) {
        this.backend = backend;
        this.clock = clock;
        this.timeout = timeout;
        this.caller = caller;
    }

    // ------------------------------------------------------------------ networks

    public CompletableFuture<Applied<Network>> createNetwork(NetworkInput input) {
        return write(input.toCommand(), Network.class);
    }

    public CompletableFuture<Versioned<Network>> network(String name, boolean stale) {
        Names.network(name);
        return read(stale, image -> image.network(name)
                .orElseThrow(() -> ApiException.notFound("network " + name + " not found")));
    }

    public CompletableFuture<Versioned<List<Network>>> networks(boolean stale) {
        return read(stale, image -> List.copyOf(image.networks()));
    }

    public CompletableFuture<Applied<Network>> deleteNetwork(String name) {
        return write(new DeleteNetwork(name), Network.class);
    }

    // ------------------------------------------------------------------ IPAM

    public CompletableFuture<Applied<Endpoint>> allocate(AllocationInput input) {
        return write(input.toCommand(), Endpoint.class);
    }

    /** Idempotent: an endpoint that holds nothing is released already. The network must exist. */
    public CompletableFuture<Applied<Endpoint>> release(String network, String endpoint) {
        return write(new Release(network, endpoint), Endpoint.class);
    }

    public CompletableFuture<Versioned<List<Endpoint>>> allocations(String network, boolean stale) {
        Names.network(network);
        return read(stale, image -> {
            if (image.network(network).isEmpty()) {
                throw ApiException.notFound("network " + network + " not found");
            }
            return List.copyOf(image.endpoints(network));
        });
    }

    // ------------------------------------------------------------------ nodes

    public CompletableFuture<Applied<Node>> registerNode(NodeInput input) {
        return write(input.toCommand(clock), Node.class);
    }

    public CompletableFuture<Versioned<Node>> node(String name, boolean stale) {
        Names.node(name);
        return read(stale, image -> image.node(name)
                .orElseThrow(() -> ApiException.notFound("node " + name + " not found")));
    }

    public CompletableFuture<Versioned<List<Node>>> nodes(boolean stale) {
        return read(stale, image -> List.copyOf(image.nodes()));
    }

    public CompletableFuture<Applied<Node>> removeNode(String name) {
        return write(new RemoveNode(name), Node.class);
    }

    // ------------------------------------------------------------------ policy

    /**
     * Applies policies and defaults if every test passes on the resulting state, checked atomically with the write;
     * a failing test answers FAILED_PRECONDITION listing the failures. The value is the command as applied.
     */
    public CompletableFuture<Applied<ApplyPolicies>> applyPolicies(ApplyPolicies command) {
        return write(command, Policy.class).thenApply(a -> new Applied<>(command, a.created(), a.revision()));
    }

    /** A namespace's policies (all when {@code namespace} is null) and the defaults set explicitly. */
    public CompletableFuture<Versioned<PolicySet>> policies(String namespace, boolean stale) {
        if (namespace != null) {
            Names.namespace(namespace);
        }
        return read(stale, image -> new PolicySet(List.copyOf(namespace == null ? image.policies()
                : image.policies(namespace)), List.copyOf(image.policyDefaults())));
    }

    public CompletableFuture<Versioned<Policy>> policy(String namespace, String name, boolean stale) {
        Names.namespace(namespace);
        Names.policy(name);
        return read(stale, image -> image.policy(namespace, name)
                .orElseThrow(() -> ApiException.notFound("policy " + namespace + "/" + name + " not found")));
    }

    public CompletableFuture<Applied<Policy>> deletePolicy(String namespace, String name) {
        return write(new DeletePolicy(namespace, name), Policy.class);
    }

    /**
     * Explains a flow: {@code from}/{@code to} as {@link dev.qnf.fabric.policy.FlowEnd} texts, {@code proto} tcp
     * when absent, {@code port} required for tcp, udp and sctp. An unknown endpoint is NOT_FOUND.
     */
    public CompletableFuture<Versioned<Explanation>> explain(String from, String to, String proto, Integer port,
                                                            boolean stale) {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw ApiException.invalid("explain needs from and to");
        }
        Protocol p = Protocol.parse(proto, Protocol.TCP);
        if (p == Protocol.ANY) {
            throw ApiException.invalid("explain one protocol: tcp, udp, sctp or icmp");
        }
        if (p.hasPorts() && (port == null || port < 1 || port > 65535)) {
            throw ApiException.invalid(p.name().toLowerCase() + " needs a port in 1..65535");
        }
        if (!p.hasPorts() && port != null && port != 0) {
            throw ApiException.invalid("icmp has no port");
        }
        int n = port == null ? 0 : port;
        FlowEnd.parse(from);
        FlowEnd.parse(to);
        return read(stale, image -> {
            try {
                return PolicyEngine.evaluate(image, from, to, p, n);
            } catch (PolicyEngine.Unresolved e) {
                throw ApiException.notFound(e.getMessage());
            }
        });
    }

    public CompletableFuture<Versioned<List<Identity>>> identities(boolean stale) {
        return read(stale, image -> List.copyOf(image.identities()));
    }

    /** Sets and removes endpoint labels; the endpoint's identity follows in the same write. */
    public CompletableFuture<Applied<Endpoint>> labelEndpoint(String network, String endpoint, Map<String, String> set,
                                                             List<String> remove) {
        return write(new LabelEndpoint(network, endpoint, set, remove), Endpoint.class);
    }

    /** Policies and the networks whose default was set, as one read. */
    public record PolicySet(List<Policy> policies, List<PolicyDefault> defaults) {
    }

    // ------------------------------------------------------------------ audit and revocation

    /**
     * The retained audit trail, oldest first: entries with revision >= {@code sinceRevision} and time >=
     * {@code sinceMillis} (either null: no bound), by {@code who} when not null (a full SPIFFE ID, or its last
     * path segment such as a node or user name).
     */
    public CompletableFuture<Versioned<List<AuditEntry>>> audit(Long sinceRevision, Long sinceMillis, String who) {
        if (sinceRevision != null && sinceRevision < 0 || sinceMillis != null && sinceMillis < 0) {
            throw ApiException.invalid("since must be a revision >= 0 or an ISO-8601 time");
        }
        return read(false, image -> image.audit().stream()
                .filter(e -> sinceRevision == null || e.revision() >= sinceRevision)
                .filter(e -> sinceMillis == null || e.atMillis() >= sinceMillis)
                .filter(e -> who == null || who.equals(e.who()) || e.who().endsWith("/" + who))
                .toList());
    }

    /** Revokes a node's identity cluster-wide; idempotent (201 the first time). */
    public CompletableFuture<Applied<Revocation>> revokeNode(String name, String serial) {
        return write(new RevokeNode(name, serial, clock.millis()), Revocation.class);
    }

    /**
     * Revokes a person's certificates cluster-wide; idempotent (201 the first time). The state machine refuses an
     * admin revoking the identity it calls with (409).
     */
    public CompletableFuture<Applied<UserRevocation>> revokeUser(String name, String serial) {
        return write(new RevokeUser(name, serial, clock.millis()), UserRevocation.class);
    }

    /** Lifts a node's revocation now: certificates issued after this are accepted; idempotent; 404 if never revoked. */
    public CompletableFuture<Applied<Revocation>> unrevokeNode(String name) {
        return write(new UnrevokeNode(name, clock.millis()), Revocation.class);
    }

    /** Lifts a user's revocation now, as {@link #unrevokeNode}. */
    public CompletableFuture<Applied<UserRevocation>> unrevokeUser(String name) {
        return write(new UnrevokeUser(name, clock.millis()), UserRevocation.class);
    }

    /** The revocation of a node's or user's name, if any, as of a linearizable read (what renewals decide on). */
    public CompletableFuture<java.util.Optional<RevokedIdentity>> revocationOf(SpiffeId id) {
        return read(false, image -> RevokedCertificates.of(image, id)).thenApply(Versioned::value);
    }

    // ------------------------------------------------------------------ CA rotation

    /** Records a rotation a server holding the current CA key prepared (see {@link CaRotations}). */
    public CompletableFuture<Applied<dev.qnf.fabric.model.CaRotation>> rotateCa(dev.qnf.fabric.model.CaRotation next) {
        return write(new dev.qnf.fabric.command.RotateCa(next), dev.qnf.fabric.model.CaRotation.class);
    }

    /** Stops trusting the CA the last rotation replaced; refused before the overlap has passed unless forced. */
    public CompletableFuture<Applied<dev.qnf.fabric.model.CaRotation>> retireOldCa(boolean force) {
        return write(new dev.qnf.fabric.command.RetireOldCa(clock.millis(), force),
                dev.qnf.fabric.model.CaRotation.class);
    }

    /** The last CA rotation, if any; not {@code stale}: as of a linearizable read. */
    public CompletableFuture<Versioned<java.util.Optional<dev.qnf.fabric.model.CaRotation>>> caRotation(boolean stale) {
        return read(stale, FabricImage::caRotation);
    }

    // ------------------------------------------------------------------ watch

    /**
     * Streams changes from {@code fromRevision} (inclusive), or from the next revision when it is null.
     * A negative revision is invalid; a compacted one starts with a resync.
     */
    public Subscription watch(Long fromRevision, WatchListener listener) {
        if (fromRevision != null && fromRevision < 0) {
            throw ApiException.invalid("from must be a revision >= 0, not " + fromRevision);
        }
        long from = fromRevision != null ? fromRevision : backend.localImage().revision() + 1;
        return backend.watch(from, listener);
    }

    // ------------------------------------------------------------------ join tokens

    /** A token just made: the text to hand out (shown once, never stored) and the record the state now holds. */
    public record NewToken(JoinTokenText text, JoinToken token) {
    }

    /** Makes a join token valid for {@code ttl} from this server's clock, for {@code uses} joins. */
    public CompletableFuture<Applied<NewToken>> createToken(JoinRole role, String site, Duration ttl, int uses) {
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(30)) > 0) {
            throw ApiException.invalid("ttl must be more than 0 and at most 30 days");
        }
        if (site != null && !site.isEmpty()) {
            Names.node(site);
        }
        JoinTokenText text = JoinTokenText.generate();
        // invalid uses are refused by the record and the command (InvalidInputException: 400), before consensus
        CreateToken create = new CreateToken(new JoinToken(text.id(), text.secretHash(), role, site,
                clock.millis() + ttl.toMillis(), uses, null));
        return write(create, JoinToken.class)
                .thenApply(a -> new Applied<>(new NewToken(text, a.value()), true, a.revision()));
    }

    public CompletableFuture<Versioned<List<JoinToken>>> tokens(boolean stale) {
        return read(stale, image -> List.copyOf(image.tokens()));
    }

    public CompletableFuture<Applied<JoinToken>> deleteToken(String id) {
        return write(new DeleteToken(JoinToken.checkId(id)), JoinToken.class);
    }

    /**
     * Uses a token once for {@code subject}, through consensus: of any number of concurrent redemptions of a
     * token's last use, on any servers, exactly one succeeds. The expiry is judged on this server's clock, which
     * travels in the command.
     */
    public CompletableFuture<Applied<JoinToken>> redeemToken(JoinTokenText text, String subject) {
        return redeemToken(text, subject, null, null);
    }

    /** {@code role}: what the joiner asks to become (null: whatever the token is for). */
    public CompletableFuture<Applied<JoinToken>> redeemToken(JoinTokenText text, String subject, JoinRole role) {
        return redeemToken(text, subject, role, null);
    }

    /** {@code site}: where the joining node says it is (null: wherever the token puts it). */
    public CompletableFuture<Applied<JoinToken>> redeemToken(JoinTokenText text, String subject, JoinRole role,
                                                             String site) {
        Names.node(subject);
        return write(new RedeemToken(text.id(), text.secretHash(), clock.millis(), subject, role, site),
                JoinToken.class);
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * The one write path: the command is attributed to the caller and stamped with this server's clock before it
     * enters the log, so the audit record apply writes is the same on every replica ({@link AuditTrail}).
     */
    private <R extends Resource> CompletableFuture<Applied<R>> write(Command command, Class<R> type) {
        Attributed attributed = new Attributed(caller.get(), clock.millis(), command);
        return guard(() -> backend.submit(attributed)).thenApply(committed -> applied(committed, type));
    }

    private static <R extends Resource> Applied<R> applied(Committed committed, Class<R> type) {
        Reply reply = committed.reply();
        if (reply instanceof Reply.Rejected rejected) {
            throw ApiException.rejected(rejected);
        }
        Reply.Ok ok = (Reply.Ok) reply;
        R value = ok.resource() == null ? null : type.cast(ok.resource());
        return new Applied<>(value, ok.created(), committed.revision());
    }

    private <T> CompletableFuture<Versioned<T>> read(boolean stale, Function<FabricImage, T> query) {
        return guard(() -> backend.read(stale)).thenApply(image -> new Versioned<>(query.apply(image), image.revision()));
    }

    /** Bounds the wait for the cluster and reports any of its failures as UNAVAILABLE. */
    private <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> call) {
        return Backends.guard(call, timeout);
    }
}
