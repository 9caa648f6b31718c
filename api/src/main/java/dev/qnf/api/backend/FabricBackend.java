package dev.qnf.api.backend;

import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.FabricImage;

import java.util.concurrent.CompletableFuture;

/**
 * What the API asks of the replicated fabric. Futures fail (with any exception) when the cluster cannot answer:
 * no leader, no quorum, shutting down. The API reports those as UNAVAILABLE.
 */
public interface FabricBackend extends AutoCloseable {

    /** This server's Raft id. */
    String id();

    /** Replicates a command; the answer says what it did and the revision at which it was applied. */
    CompletableFuture<Committed> submit(Command command);

    /** The state after every write acknowledged before the call ({@code stale} false), or this replica's state. */
    CompletableFuture<FabricImage> read(boolean stale);

    /** This replica's latest applied state, without asking anyone. */
    FabricImage localImage();

    /**
     * Delivers every change from {@code fromRevision} (inclusive) on, in order, then each new one as it is applied;
     * if {@code fromRevision} was compacted, first a resync with the whole current state.
     */
    Subscription watch(long fromRevision, WatchListener listener);

    ClusterState status();

    CompletableFuture<Void> addServer(String id, String raftAddress);

    CompletableFuture<Void> removeServer(String id);

    /** {@code id} null lets Raft choose. */
    CompletableFuture<Void> transferLeadership(String id);

    /** Returns the log index the snapshot covers. */
    CompletableFuture<Long> takeSnapshot();

    @Override
    void close();
}
