package dev.qnf.api.metrics;

import dev.qnf.api.backend.ClusterState;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.fabric.model.ResourceKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Gauges read from the backend at scrape time:
 * {@code qnf_raft_term}, {@code qnf_raft_commit_index}, {@code qnf_raft_applied_index},
 * {@code qnf_raft_leader_known}, {@code qnf_raft_role{role}} (1 for this server's role, 0 for the others),
 * {@code qnf_fabric_revision} and {@code qnf_fabric_objects{kind}}.
 */
public final class FabricMetrics {
    static final List<String> ROLES = List.of("LEADER", "FOLLOWER", "CANDIDATE", "LISTENER", "UNKNOWN");
    static final List<String> KINDS = List.of(ResourceKey.NETWORK, ResourceKey.ENDPOINT, ResourceKey.NODE,
            ResourceKey.BLOCK, ResourceKey.MEMBER, ResourceKey.POLICY, ResourceKey.IDENTITY);

    private FabricMetrics() {
    }

    public static void bind(MeterRegistry registry, FabricBackend backend) {
        raft(registry, backend, "qnf.raft.term", "current Raft term", ClusterState::term);
        raft(registry, backend, "qnf.raft.commit.index", "highest log index known committed", ClusterState::commitIndex);
        raft(registry, backend, "qnf.raft.applied.index", "highest log index applied here", ClusterState::appliedIndex);
        raft(registry, backend, "qnf.raft.leader.known", "1 while the group has a leader",
                s -> s.leaderId() == null ? 0 : 1);
        for (String role : ROLES) {
            Gauge.builder("qnf.raft.role", backend, b -> role.equals(role(b)) ? 1 : 0)
                    .description("1 for this server's current Raft role").tag("role", role.toLowerCase())
                    .register(registry);
        }
        Gauge.builder("qnf.fabric.revision", backend, b -> b.localImage().revision())
                .description("revision of the state applied here").register(registry);
        for (String kind : KINDS) {
            Gauge.builder("qnf.fabric.objects", backend, b -> b.localImage().counts().getOrDefault(kind, 0))
                    .description("objects in the fabric state, by kind").tag("kind", kind).register(registry);
        }
    }

    private static void raft(MeterRegistry registry, FabricBackend backend, String name, String help,
                             ToDoubleFunction<ClusterState> value) {
        Gauge.builder(name, backend, b -> value.applyAsDouble(b.status())).description(help).register(registry);
    }

    private static String role(FabricBackend backend) {
        return backend.status().members().stream().filter(p -> p.id().equals(backend.id()))
                .map(ClusterState.Peer::role).findFirst().orElse("UNKNOWN");
    }
}
