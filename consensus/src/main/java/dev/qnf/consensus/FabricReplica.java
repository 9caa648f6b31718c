package dev.qnf.consensus;

import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.consensus.batch.CommandBatcher;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.error.ReplicaUnavailableException;
import dev.qnf.consensus.raft.RaftTuning;
import dev.qnf.consensus.raft.RatisProperties;
import dev.qnf.consensus.raft.RatisTransport;
import dev.qnf.consensus.raft.ReadBarrier;
import dev.qnf.consensus.raft.RollbackGuard;
import dev.qnf.consensus.statemachine.FabricStateMachine;
import dev.qnf.consensus.store.EventRetention;
import dev.qnf.consensus.watch.Watch;
import dev.qnf.consensus.watch.WatchListener;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The replicated fabric as one server process sees it: writes go through Raft in batches, reads come from the
 * local image (after a ReadIndex barrier when they must be linearizable), watches stream applied changes.
 * This class only wires Ratis, the state machine, the batcher and the admin calls together; each holds its logic.
 */
public final class FabricReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FabricReplica.class);
    /** How long a reply waits for this replica to apply the write too, before it is released anyway. */
    private static final Duration LOCAL_APPLY_WAIT = Duration.ofSeconds(5);

    private final ReplicaConfig config;
    private final FabricStateMachine stateMachine;
    private final RaftServer server;
    private final List<RaftClient> clients;
    private final CommandBatcher batcher;
    private final ReadBarrier readBarrier;
    private final RaftAdmin admin;
    /** Drained at close, not interrupted, so that every caller hears how its command ended. */
    private final ExecutorService replyExecutor;
    /** Interrupted at close: senders, watch deliveries, admin calls. */
    private final List<ExecutorService> executors;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FabricReplica(ReplicaConfig config, FabricStateMachine stateMachine, RaftServer server,
                          List<RaftClient> clients, CommandBatcher batcher, ReadBarrier readBarrier, RaftAdmin admin,
                          ExecutorService replyExecutor, List<ExecutorService> executors) {
        this.config = config;
        this.stateMachine = stateMachine;
        this.server = server;
        this.clients = clients;
        this.batcher = batcher;
        this.readBarrier = readBarrier;
        this.admin = admin;
        this.replyExecutor = replyExecutor;
        this.executors = executors;
    }

    /** Starts the Raft server on {@code config.raftAddress()} and returns once it runs (not once it has a leader). */
    public static FabricReplica start(ReplicaConfig config) throws IOException {
        RaftTuning tuning = RaftTuning.defaults();
        return start(config, config.writeTimeout() == null ? tuning : tuning.withWriteDeadline(config.writeTimeout()));
    }

    static FabricReplica start(ReplicaConfig config, RaftTuning tuning) throws IOException {
        Path raftDir = config.dataDir().resolve("raft");
        Path dbDir = config.dataDir().resolve("state").resolve("db");
        Files.createDirectories(raftDir);
        Files.createDirectories(dbDir.getParent());
        HostPort address = HostPort.parse(config.raftAddress());
        RaftPeerId self = RaftPeerId.valueOf(config.id());
        RaftGroupId groupId = RaftGroupId.valueOf(UUID.fromString(config.groupId()));
        List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, addr) -> peers.add(RaftAdmin.peer(id, addr)));
        String id = config.id();

        ExecutorService watchExecutor = Executors.newCachedThreadPool(DaemonThreads.numbered("qnf-watch-" + id));
        ExecutorService sendExecutor = Executors.newFixedThreadPool(tuning.batchLimits().maxInFlight(),
                DaemonThreads.numbered("qnf-send-" + id));
        ExecutorService adminExecutor = Executors.newCachedThreadPool(DaemonThreads.numbered("qnf-admin-" + id));
        // one thread, but numbered like the pools above: it has always been qnf-replies-<id>-1
        ExecutorService replyExecutor = Executors.newSingleThreadExecutor(DaemonThreads.numbered("qnf-replies-" + id));
        List<ExecutorService> executors = List.of(sendExecutor, watchExecutor, adminExecutor);

        FabricCodec codec = new FabricCodec();
        FabricStateMachine sm = new FabricStateMachine(dbDir, codec, new EventRetention(config.eventRetention()),
                watchExecutor, tuning.watchMaxPending(), applyTimer(config));
        boolean formatted = Files.isDirectory(raftDir.resolve(groupId.getUuid().toString()));
        Parameters tls = RaftTls.parameters(config.tls());
        RaftServer server = RaftServer.newBuilder()
                .setServerId(self)
                .setParameters(tls)
                .setGroup(RaftGroup.valueOf(groupId, peers))
                .setStateMachine(sm)
                .setProperties(RatisProperties.server(new RatisProperties.ServerSettings(raftDir, address.host(),
                        address.port(), config.electionTimeoutMin(), config.electionTimeoutMax(),
                        config.snapshotThreshold()), tuning))
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        try {
            server.start();
            // A member started with its peers on an empty directory lost its data (a joiner is new to the others).
            if (formatted || !config.joinMode()) {
                refuseIfRolledBack(server.getDivision(groupId), self, tuning, adminExecutor, tls);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            executors.forEach(ExecutorService::shutdownNow);
            replyExecutor.shutdownNow();
            throw e;
        }

        // A joining server knows only itself; the leader's NotLeader replies teach its clients the rest.
        RaftGroup clientGroup = peers.isEmpty() ? RaftGroup.valueOf(groupId, RaftAdmin.peer(id, config.raftAddress()))
                : RaftGroup.valueOf(groupId, peers);
        RaftClient client = RaftClient.newBuilder().setRaftGroup(clientGroup).setParameters(tls)
                .setProperties(RatisProperties.client(tuning)).setRetryPolicy(RatisProperties.clientRetry(tuning))
                .build();
        RaftClient adminClient = RaftClient.newBuilder().setRaftGroup(clientGroup).setParameters(tls)
                .setProperties(RatisProperties.admin(tuning)).setRetryPolicy(RatisProperties.adminRetry(tuning))
                .build();
        CommandBatcher batcher = new CommandBatcher("qnf-batcher-" + id, codec,
                new RatisTransport(client, codec, sendExecutor, sm::whenApplied, () -> sm.image().revision(),
                        LOCAL_APPLY_WAIT, tuning),
                tuning.batchLimits(), replyExecutor);
        FabricReplica replica = new FabricReplica(config, sm, server, List.of(client, adminClient), batcher,
                new ReadBarrier(client, self, tuning), new RaftAdmin(server, groupId, self, adminClient, adminExecutor),
                replyExecutor, executors);
        replica.registerMeters(config.meters());
        LOG.info("replica {} started at {} ({}), {}", id, config.raftAddress(),
                config.joinMode() ? "joining" : "peers " + config.peers().keySet(), sm.image());
        return replica;
    }

    /**
     * A restarted member whose Raft log ends before a commit index another member already heard from it has had its
     * data directory replaced by an older copy, or lost it: it refuses to run rather than vote on and serve a state it
     * lost.
     * (Without this it would also never catch up: the leader resends from where it believes the member is.)
     */
    private static void refuseIfRolledBack(RaftServer.Division division, RaftPeerId self, RaftTuning tuning,
                                           ExecutorService executor, Parameters tls) throws StaleDataDirectoryException {
        long logEnd = division.getRaftLog().getNextIndex() - 1;
        RaftGroup group = RaftGroup.valueOf(division.getGroup().getGroupId(),
                division.getRaftConf().getCurrentPeers());
        long known = RollbackGuard.highestKnownCommit(group, self, tuning.rpcTimeout(), executor, tls);
        if (known > logEnd) {
            LOG.error("replica {}: the cluster knows it committed entry {} but its log ends at {}: refusing to start",
                    self, known, logEnd);
            throw new StaleDataDirectoryException(self.toString(), known, logEnd);
        }
    }

    public String id() {
        return config.id();
    }

    /**
     * Replicates {@code command}. Completes once it is committed and applied, on the leader and normally on this
     * replica too, so {@link #localImage()} then reflects it. A refusal is a normal {@link Reply.Rejected}; a
     * failure is a {@link ReplicaUnavailableException}, after which the command may or may not have been applied.
     */
    public CompletableFuture<Reply> submit(Command command) {
        return submitWithRevision(command).thenApply(SubmitResult::reply);
    }

    /** {@link #submit}, also telling the revision of the state that answered (for "watch from here on"). */
    public CompletableFuture<SubmitResult> submitWithRevision(Command command) {
        return batcher.submit(Objects.requireNonNull(command, "command"))
                .thenApply(a -> new SubmitResult(a.reply(), a.revision()));
    }

    /** The fabric as of now ({@link ReadConsistency#LINEARIZABLE}) or as this replica last applied it. */
    public CompletableFuture<FabricImage> read(ReadConsistency consistency) {
        if (consistency == ReadConsistency.STALE) {
            return CompletableFuture.completedFuture(stateMachine.image());
        }
        // Past the barrier this replica has applied every write acknowledged before the call, so the image taken
        // afterwards holds them all.
        return readBarrier.pass().thenApply(v -> stateMachine.image());
    }

    /** The last applied image, without a round trip. */
    public FabricImage localImage() {
        return stateMachine.image();
    }

    /**
     * Streams every revision at or after {@code fromRevision}: stored history first, then live changes.
     * See {@link WatchListener} for the resync rules.
     */
    public Watch watch(long fromRevision, WatchListener listener) {
        return stateMachine.watches().watch(fromRevision, Objects.requireNonNull(listener, "listener"));
    }

    public ClusterStatus status() {
        return admin.status();
    }

    /** Adds a voting server; it catches up from the log, or from a checkpoint if the log was purged. */
    public CompletableFuture<Void> addServer(String id, String raftAddress) {
        HostPort.parse(raftAddress);
        return admin.addServer(id, raftAddress);
    }

    public CompletableFuture<Void> removeServer(String id) {
        return admin.removeServer(id);
    }

    /** Hands leadership to {@code id}, or with null makes the leader step down so that any server may win. */
    public CompletableFuture<Void> transferLeadership(String id) {
        return admin.transferLeadership(id);
    }

    /** Checkpoints this replica now (which lets Ratis purge its log); completes with the snapshot's log index. */
    public CompletableFuture<Long> takeSnapshot() {
        return admin.takeSnapshot();
    }

    public ReplicaStats stats() {
        return new ReplicaStats(batcher.commandsSent(), batcher.batchesSent(), stateMachine.entriesApplied(),
                stateMachine.entriesSkipped(), stateMachine.snapshotInstalls());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        batcher.close();
        clients.forEach(FabricReplica::closeQuietly);
        closeQuietly(server);
        stateMachine.close(); // normally done by the server already; idempotent
        executors.forEach(ExecutorService::shutdownNow);
        replyExecutor.shutdown();
        try {
            replyExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("replica {} closed", config.id());
    }

    private static Timer applyTimer(ReplicaConfig config) {
        return config.meters() == null ? null : Timer.builder("qnf_apply_seconds")
                .description("Time to apply one committed Raft entry (a batch of commands)")
                .tag("replica", config.id())
                .register(config.meters());
    }

    private void registerMeters(MeterRegistry meters) {
        if (meters == null) {
            return;
        }
        String replica = config.id();
        FunctionCounter.builder("qnf_raft_batches", batcher, CommandBatcher::batchesSent)
                .description("Raft entries sent by this replica's group commit").tag("replica", replica)
                .register(meters);
        FunctionCounter.builder("qnf_raft_batched_commands", batcher, CommandBatcher::commandsSent)
                .description("Commands sent in those entries").tag("replica", replica).register(meters);
        FunctionCounter.builder("qnf_snapshot_installs", stateMachine, FabricStateMachine::snapshotInstalls)
                .description("Snapshots installed from a leader").tag("replica", replica).register(meters);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while closing {}", c, e);
        }
    }
}
