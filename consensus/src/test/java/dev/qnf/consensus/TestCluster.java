package dev.qnf.consensus;

import dev.qnf.testing.FreePorts;

import dev.qnf.consensus.raft.RaftTuning;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * Real replicas on loopback, each with its own data directory under one temp dir. Servers are addressed by id
 * ("s1", "s2", ...); the cluster remembers each one's address and directory so a closed server can be restarted.
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration ELECTION_MIN = Duration.ofSeconds(1);
    public static final Duration ELECTION_MAX = Duration.ofMillis(1600);

    private final Path root;
    private final RaftTuning tuning;
    private final long snapshotThreshold;
    private final int eventRetention;
    private final MeterRegistry meters;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, String> initialPeers = new LinkedHashMap<>();
    private final Map<String, FabricReplica> running = new LinkedHashMap<>();

    private TestCluster(Path root, RaftTuning tuning, long snapshotThreshold, int eventRetention,
                        MeterRegistry meters) {
        this.root = root;
        this.meters = meters;
        this.tuning = tuning;
        this.snapshotThreshold = snapshotThreshold;
        this.eventRetention = eventRetention;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public static final class Builder {
        private final Path root;
        private RaftTuning tuning = RaftTuning.defaults();
        private long snapshotThreshold = ReplicaConfig.DEFAULT_SNAPSHOT_THRESHOLD;
        private int eventRetention = ReplicaConfig.DEFAULT_EVENT_RETENTION;
        private MeterRegistry meters;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder tuning(RaftTuning value) {
            tuning = value;
            return this;
        }

        public Builder snapshotThreshold(long value) {
            snapshotThreshold = value;
            return this;
        }

        public Builder eventRetention(int value) {
            eventRetention = value;
            return this;
        }

        public Builder meters(MeterRegistry value) {
            meters = value;
            return this;
        }

        /** Starts {@code n} servers s1..sn as one group and waits for a leader. */
        public TestCluster start(int n) {
            TestCluster c = new TestCluster(root, tuning, snapshotThreshold, eventRetention, meters);
            for (int i = 1; i <= n; i++) {
                String id = "s" + i;
                c.addresses.put(id, "127.0.0.1:" + FreePorts.one());
                c.initialPeers.put(id, c.addresses.get(id));
            }
            try {
                for (String id : c.initialPeers.keySet()) {
                    c.startServer(id, c.initialPeers);
                }
                c.awaitLeader();
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    private FabricReplica startServer(String id, Map<String, String> peers) {
        ReplicaConfig config = ReplicaConfig.builder(id, root.resolve(id), addresses.get(id))
                .peers(peers)
                .electionTimeout(ELECTION_MIN, ELECTION_MAX)
                .snapshotThreshold(snapshotThreshold)
                .eventRetention(eventRetention)
                .meters(meters)
                .build();
        try {
            FabricReplica r = FabricReplica.start(config, tuning);
            running.put(id, r);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a new server that knows no peers and waits to be added. */
    public FabricReplica startJoiner(String id) {
        addresses.put(id, "127.0.0.1:" + FreePorts.one());
        return startServer(id, Map.of());
    }

    /** Restarts a closed server from its data directory. */
    public FabricReplica restart(String id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is running");
        }
        return startServer(id, initialPeers.containsKey(id) ? initialPeers : Map.of());
    }

    public void stop(String id) {
        FabricReplica r = running.remove(id);
        if (r != null) {
            r.close();
        }
    }

    public String address(String id) {
        return addresses.get(id);
    }

    public Path dataDir(String id) {
        return root.resolve(id);
    }

    public FabricReplica get(String id) {
        FabricReplica r = running.get(id);
        if (r == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return r;
    }

    public Collection<FabricReplica> replicas() {
        return List.copyOf(running.values());
    }

    public Optional<FabricReplica> currentLeader() {
        return running.values().stream()
                .filter(r -> r.status().members().stream()
                        .anyMatch(m -> m.id().equals(r.id()) && m.role() == ClusterStatus.Role.LEADER))
                .findFirst();
    }

    public FabricReplica awaitLeader() {
        return await("a leader among " + running.keySet()).atMost(Duration.ofSeconds(60))
                .until(this::currentLeader, Optional::isPresent).orElseThrow();
    }

    /** Some running server other than the leader. */
    public FabricReplica follower() {
        FabricReplica leader = awaitLeader();
        return running.values().stream().filter(r -> r != leader).findFirst().orElseThrow();
    }

    /** Closes every server at once: each takes about a second, mostly Ratis waiting on its gRPC threads. */
    @Override
    public void close() {
        List<FabricReplica> all = new ArrayList<>(running.values());
        running.clear();
        all.parallelStream().forEach(FabricReplica::close);
    }
}
