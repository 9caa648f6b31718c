package dev.qnf.api.service;

import dev.qnf.api.backend.Committed;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.backend.Subscription;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.api.errors.ApiException;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.command.RemoveNode;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

    public FabricService(FabricBackend backend, Clock clock, Duration timeout) {
        this.backend = backend;
        this.clock = clock;
        this.timeout = timeout;
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

    // ------------------------------------------------------------------ plumbing

    private <R extends Resource> CompletableFuture<Applied<R>> write(Command command, Class<R> type) {
        return guard(() -> backend.submit(command)).thenApply(committed -> applied(committed, type));
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
