package dev.qnf.api.testing;

import dev.qnf.api.backend.ClusterState;
import dev.qnf.api.backend.Committed;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.backend.Subscription;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.FabricMachine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A single-replica fabric in memory: commands are decided with {@link FabricMachine#decide} and applied with
 * {@link FabricImage#apply}; a revision is taken only by a command that changes something. Knobs let tests take
 * the leader away, make the cluster unavailable, add apply lag and compact history.
 */
public final class InMemoryFabric implements FabricBackend {
    private record Batch(long revision, List<Change> changes) {
    }

    private final String id;
    private final String raftAddress;
    private final List<Batch> history = new ArrayList<>();
    private final List<FakeWatch> watches = new CopyOnWriteArrayList<>();
    private final Map<String, String> peers = new LinkedHashMap<>();
    private FabricImage image = FabricImage.empty();
    private long firstRetained = 1;
    private volatile boolean leader = true;
    private volatile boolean available = true;
    private volatile long applyLag;
    private volatile long snapshots;

    public InMemoryFabric(String id, String raftAddress) {
        this.id = id;
        this.raftAddress = raftAddress;
        peers.put(id, raftAddress);
    }

    // ------------------------------------------------------------------ knobs

    public void setLeader(boolean hasLeader) {
        this.leader = hasLeader;
    }

    /** While false, every replicated call fails as a cluster without quorum would. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    public void setApplyLag(long lag) {
        this.applyLag = lag;
    }

    /** Drops the event history: watches from older revisions get a resync. */
    public synchronized void compact() {
        history.clear();
        firstRetained = image.revision() + 1;
    }

    public int openWatches() {
        return watches.size();
    }

    // ------------------------------------------------------------------ FabricBackend

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized CompletableFuture<Committed> submit(Command command) {
        if (!available) {
            return CompletableFuture.failedFuture(new IOException("no quorum"));
        }
        Decision d = FabricMachine.decide(image, command);
        if (!d.changes().isEmpty()) {
            long revision = image.revision() + 1;
            image = image.apply(d.changes(), revision);
            history.add(new Batch(revision, d.changes()));
            watches.forEach(w -> w.events(revision, d.changes()));
        }
        return CompletableFuture.completedFuture(new Committed(d.reply(), image.revision()));
    }

    @Override
    public CompletableFuture<FabricImage> read(boolean stale) {
        if (!stale && !available) {
            return CompletableFuture.failedFuture(new IOException("no quorum for a linearizable read"));
        }
        return CompletableFuture.completedFuture(localImage());
    }

    @Override
    public synchronized FabricImage localImage() {
        return image;
    }

    @Override
    public synchronized Subscription watch(long fromRevision, WatchListener listener) {
        FakeWatch w = new FakeWatch(listener);
        if (fromRevision < firstRetained && fromRevision <= image.revision()) {
            FabricImage current = image;
            w.run(() -> listener.onResync(current));
        } else {
            history.stream().filter(b -> b.revision() >= fromRevision).forEach(b -> w.events(b.revision(), b.changes()));
        }
        watches.add(w);
        return w;
    }

    @Override
    public synchronized ClusterState status() {
        List<ClusterState.Peer> members = new ArrayList<>();
        peers.forEach((peer, address) -> members.add(new ClusterState.Peer(peer, address,
                !leader ? "CANDIDATE" : peer.equals(id) ? "LEADER" : "FOLLOWER")));
        long applied = image.revision();
        return new ClusterState(leader ? id : null, 1, applied + applyLag, applied, members);
    }

    @Override
    public synchronized CompletableFuture<Void> addServer(String peer, String address) {
        if (!available) {
            return CompletableFuture.failedFuture(new IOException("no quorum"));
        }
        peers.put(peer, address);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> removeServer(String peer) {
        peers.remove(peer);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String target) {
        return available ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IOException("no quorum"));
    }

    @Override
    public synchronized CompletableFuture<Long> takeSnapshot() {
        snapshots++;
        return CompletableFuture.completedFuture(image.revision());
    }

    @Override
    public void close() {
        watches.forEach(FakeWatch::close);
    }

    /** Delivers on its own thread, in order, like the real replica's watch. */
    private final class FakeWatch implements Subscription {
        private final WatchListener listener;
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-watch");
            t.setDaemon(true);
            return t;
        });

        FakeWatch(WatchListener listener) {
            this.listener = listener;
        }

        void events(long revision, List<Change> changes) {
            run(() -> listener.onEvents(revision, changes));
        }

        void run(Runnable r) {
            if (!delivery.isShutdown()) {
                delivery.execute(r);
            }
        }

        @Override
        public void close() {
            watches.remove(this);
            delivery.shutdown();
        }
    }
}
