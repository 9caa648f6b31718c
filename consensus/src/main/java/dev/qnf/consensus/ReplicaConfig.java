package dev.qnf.consensus;

import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How one control-plane server takes part in the Raft group. Null durations, a null group id and zero counts
 * take their defaults, so {@link #builder} is only needed for what differs.
 *
 * @param raftAddress {@code host:port} this server binds for Raft, with an explicit port (may be a wildcard host)
 * @param peers       id to {@code host:port} at which every initial member is reached, this one included (its
 *                    entry is the address the others use, which may differ from {@code raftAddress} behind NAT
 *                    or a wildcard bind); empty to join an existing group, whose leader then adds this server
 * @param writeTimeout how long a write (or linearizable read) is retried before it fails as unavailable; null for
 *                    the default (10 s). A server sets it to its API request timeout: once the API has answered
 *                    503 the replica stops resending the write, which could otherwise be applied seconds after the
 *                    caller gave up on it (and after the caller's next request).
 * @param meters      nullable
 * @param tls         mutual TLS for Raft traffic; null for plaintext (tests of the replica alone)
 */
public record ReplicaConfig(String id, Path dataDir, String raftAddress, Map<String, String> peers, String groupId,
                            Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                            int eventRetention, Duration writeTimeout, MeterRegistry meters, RaftTls tls) {
    public static final String DEFAULT_GROUP_ID = "0f4b7c52-9a1e-4f3c-8d2a-51e0a1f0c0de";
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    public static final int DEFAULT_EVENT_RETENTION = 10_000;
    /** Shorter timeouts turn every GC pause or busy CI machine into an election. */
    private static final Duration MIN_ELECTION_TIMEOUT = Duration.ofSeconds(1);

    public ReplicaConfig(String id, Path dataDir, String raftAddress, Map<String, String> peers, String groupId,
                         Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                         int eventRetention, Duration writeTimeout, MeterRegistry meters) {
        this(id, dataDir, raftAddress, peers, groupId, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
                eventRetention, writeTimeout, meters, null);
    }

    public ReplicaConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("replica id is required");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        HostPort.parse(raftAddress);
        peers = peers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        if (!peers.isEmpty()) {
            if (!peers.containsKey(id)) {
                throw new IllegalArgumentException("peers must include this replica '" + id + "': " + peers);
            }
            peers.values().forEach(HostPort::parse);
        }
        groupId = groupId == null ? DEFAULT_GROUP_ID : UUID.fromString(groupId).toString();
        electionTimeoutMin = electionTimeoutMin == null ? DEFAULT_ELECTION_TIMEOUT_MIN : electionTimeoutMin;
        electionTimeoutMax = electionTimeoutMax == null
                ? electionTimeoutMin.multipliedBy(2) : electionTimeoutMax;
        if (electionTimeoutMin.compareTo(MIN_ELECTION_TIMEOUT) < 0) {
            throw new IllegalArgumentException("electionTimeoutMin must be at least 1s, not " + electionTimeoutMin);
        }
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("electionTimeoutMax " + electionTimeoutMax
                    + " must exceed electionTimeoutMin " + electionTimeoutMin);
        }
        snapshotThreshold = snapshotThreshold == 0 ? DEFAULT_SNAPSHOT_THRESHOLD : snapshotThreshold;
        eventRetention = eventRetention == 0 ? DEFAULT_EVENT_RETENTION : eventRetention;
        if (snapshotThreshold < 1 || eventRetention < 1) {
            throw new IllegalArgumentException("snapshotThreshold and eventRetention must be positive");
        }
        if (writeTimeout != null && (writeTimeout.isNegative() || writeTimeout.isZero())) {
            throw new IllegalArgumentException("writeTimeout must be positive, not " + writeTimeout);
        }
    }

    public static Builder builder(String id, Path dataDir, String raftAddress) {
        return new Builder(id, dataDir, raftAddress);
    }

    /** Started without peers: waits to be added to an existing group. */
    public boolean joinMode() {
        return peers.isEmpty();
    }

    public static final class Builder {
        private final String id;
        private final Path dataDir;
        private final String raftAddress;
        private final Map<String, String> peers = new LinkedHashMap<>();
        private RaftTls tls;
        private String groupId;
        private Duration electionTimeoutMin;
        private Duration electionTimeoutMax;
        private long snapshotThreshold;
        private int eventRetention;
        private Duration writeTimeout;
        private MeterRegistry meters;

        private Builder(String id, Path dataDir, String raftAddress) {
            this.id = id;
            this.dataDir = dataDir;
            this.raftAddress = raftAddress;
        }

        public Builder peers(Map<String, String> all) {
            peers.clear();
            peers.putAll(all);
            return this;
        }

        public Builder peer(String peerId, String address) {
            peers.put(peerId, address);
            return this;
        }

        public Builder groupId(String value) {
            groupId = value;
            return this;
        }

        public Builder electionTimeout(Duration min, Duration max) {
            electionTimeoutMin = min;
            electionTimeoutMax = max;
            return this;
        }

        public Builder snapshotThreshold(long entries) {
            snapshotThreshold = entries;
            return this;
        }

        public Builder eventRetention(int revisions) {
            eventRetention = revisions;
            return this;
        }

        public Builder writeTimeout(Duration value) {
            writeTimeout = value;
            return this;
        }

        public Builder meters(MeterRegistry registry) {
            meters = registry;
            return this;
        }

        public Builder tls(RaftTls value) {
            tls = value;
            return this;
        }

        public ReplicaConfig build() {
            return new ReplicaConfig(id, dataDir, raftAddress, peers, groupId, electionTimeoutMin, electionTimeoutMax,
                    snapshotThreshold, eventRetention, writeTimeout, meters, tls);
        }
    }
}
