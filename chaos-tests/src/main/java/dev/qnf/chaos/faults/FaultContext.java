package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ServerProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What a fault acts on: the cluster, the run's seeded random, a log, and helpers to pick targets.
 * {@code readProbe} starts linearizable reads through one server alone for a while (recorded like all traffic).
 */
public record FaultContext(ChaosCluster cluster, Random random, Consumer<String> log, Duration readyTimeout,
                           Consumer<ServerProcess> readProbe) {

    /** The current leader, waiting for one agreed by a majority if there is none right now. */
    public ServerProcess leader() throws InterruptedException {
        return cluster.server(cluster.awaitLeader(readyTimeout).id());
    }

    /** Every member but {@code leader}, in slot order. */
    public List<ServerProcess> followers(ServerProcess leader) {
        return cluster.members().stream().filter(s -> s != leader).toList();
    }

    /** {@code n} distinct members of {@code from}, chosen with the seeded random. */
    public List<ServerProcess> pick(Collection<ServerProcess> from, int n) {
        List<ServerProcess> pool = new ArrayList<>(from);
        List<ServerProcess> out = new ArrayList<>();
        for (int i = 0; i < n && !pool.isEmpty(); i++) {
            out.add(pool.remove(random.nextInt(pool.size())));
        }
        return out;
    }

    public static List<Integer> slots(Collection<ServerProcess> servers) {
        return servers.stream().map(ServerProcess::slot).toList();
    }

    public static String ids(Collection<ServerProcess> servers) {
        return String.join(",", servers.stream().map(ServerProcess::id).toList());
    }
}
