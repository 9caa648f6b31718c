package dev.qnf.api.backend;

import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.IdentityKeyManager;
import dev.qnf.api.pki.SpiffeTrustManager;
import dev.qnf.api.pki.Tls;
import dev.qnf.consensus.ClusterStatus;
import dev.qnf.consensus.FabricReplica;
import dev.qnf.consensus.ReadConsistency;
import dev.qnf.consensus.RaftTls;
import dev.qnf.consensus.ReplicaConfig;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.util.function.Supplier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The API's view of a {@link FabricReplica}: the only class of the API that knows the consensus module. */
public final class ReplicaBackend implements FabricBackend {
    private final FabricReplica replica;

    private ReplicaBackend(FabricReplica replica) {
        this.replica = replica;
    }

    /**
     * Starts a replica. {@code peers} lists every initial member including this one; empty joins an existing
     * group. The replica registers its own meters (apply latency, batching) in {@code metrics}.
     */
    public static ReplicaBackend start(String id, Path dataDir, String raftAddress, Map<String, String> peers,
                                       MeterRegistry metrics) throws IOException {
        return start(id, dataDir, raftAddress, peers, null, metrics);
    }

    /**
     * As above, with the replica giving up on a write after {@code writeTimeout} (null: its default): a server
     * passes its request timeout, so that a write the API answered 503 for is not sent again afterwards.
     */
    public static ReplicaBackend start(String id, Path dataDir, String raftAddress, Map<String, String> peers,
                                       Duration writeTimeout, MeterRegistry metrics) throws IOException {
        return start(id, dataDir, raftAddress, peers, writeTimeout, metrics, null);
    }

    /**
     * As above, with Raft traffic over mutual TLS ({@code identity} null: plaintext): this server presents its
     * certificate, and only server identities of its trust bundle may talk Raft to it.
     */
    public static ReplicaBackend start(String id, Path dataDir, String raftAddress, Map<String, String> peers,
                                       Duration writeTimeout, MeterRegistry metrics, Supplier<Identity> identity)
            throws IOException {
        RaftTls tls = identity == null ? null : new RaftTls(new IdentityKeyManager(identity),
                new SpiffeTrustManager(identity, Tls.SERVERS_ONLY));
        return new ReplicaBackend(FabricReplica.start(ReplicaConfig.builder(id, dataDir, raftAddress)
                .peers(peers).writeTimeout(writeTimeout).meters(metrics).tls(tls).build()));
    }

    @Override
    public String id() {
        return replica.id();
    }

    /** The revision is the log index of the entry that carried the command (or, if refused, the applied one). */
    @Override
    public CompletableFuture<Committed> submit(Command command) {
        return replica.submitWithRevision(command).thenApply(r -> new Committed(r.reply(), r.revision()));
    }

    @Override
    public CompletableFuture<FabricImage> read(boolean stale) {
        return replica.read(stale ? ReadConsistency.STALE : ReadConsistency.LINEARIZABLE);
    }

    @Override
    public FabricImage localImage() {
        return replica.localImage();
    }

    @Override
    public Subscription watch(long fromRevision, WatchListener listener) {
        dev.qnf.consensus.watch.Watch watch = replica.watch(fromRevision, new dev.qnf.consensus.watch.WatchListener() {
            @Override
            public void onEvents(long revision, List<Change> changes) {
                listener.onEvents(revision, changes);
            }

            @Override
            public void onResync(FabricImage current) {
                listener.onResync(current);
            }

            @Override
            public void onError(Throwable t) {
                listener.onError(t);
            }
        });
        return watch::close;
    }

    @Override
    public ClusterState status() {
        ClusterStatus s = replica.status();
        return new ClusterState(s.leaderId(), s.term(), s.commitIndex(), s.appliedIndex(), s.members().stream()
                .map(m -> new ClusterState.Peer(m.id(), m.raftAddress(), m.role().name())).toList());
    }

    @Override
    public CompletableFuture<Void> addServer(String id, String raftAddress) {
        return replica.addServer(id, raftAddress);
    }

    @Override
    public CompletableFuture<Void> removeServer(String id) {
        return replica.removeServer(id);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String id) {
        return replica.transferLeadership(id);
    }

    @Override
    public CompletableFuture<Long> takeSnapshot() {
        return replica.takeSnapshot();
    }

    @Override
    public void close() {
        replica.close();
    }
}
