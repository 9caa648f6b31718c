package dev.qnf.chaos.faults;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.ClusterView;
import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ServerProcess;

import java.time.Duration;
import java.util.List;

/**
 * Membership change under load: a new server joins (it is started with {@code --join} and asks the cluster to add
 * it, as in docs/operations.md); at heal an old follower is removed through the API and stopped. The cluster keeps
 * its size, with one member replaced.
 */
public final class MembershipChange implements Fault {
    private ServerProcess joined;

    @Override
    public String name() {
        return "membership-change";
    }

    @Override
    public String inject(FaultContext ctx) throws Exception {
        ChaosCluster cluster = ctx.cluster();
        ServerProcess via = ctx.pick(cluster.reachable(), 1).get(0);
        joined = cluster.join(via);
        long deadline = System.nanoTime() + ctx.readyTimeout().toNanos();
        while (!isVoter(ctx, joined) || !cluster.ready(joined)) {
            if (!joined.running()) {
                throw new IllegalStateException(joined.id() + " exited while joining; see " + joined.log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(joined.id() + " not a ready member after "
                        + ctx.readyTimeout().toSeconds() + " s; see " + joined.log());
            }
            Thread.sleep(250);
        }
        return "+" + joined.id() + " (via " + via.id() + ")";
    }

    private static boolean isVoter(FaultContext ctx, ServerProcess s) {
        for (ServerProcess m : ctx.cluster().reachable()) {
            if (m == s) {
                continue;
            }
            var view = ctx.cluster().view(m);
            if (view.isPresent() && view.get().leader() != null && view.get().leader().equals(m.id())) {
                return view.get().members().stream().anyMatch(p -> p.id().equals(s.id())
                        && !"LISTENER".equals(p.role()));
            }
        }
        return false;
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        ChaosCluster cluster = ctx.cluster();
        ServerProcess leader = ctx.leader();
        List<ServerProcess> candidates = cluster.members().stream().filter(s -> s != leader && s != joined).toList();
        ServerProcess removed = ctx.pick(candidates, 1).get(0);
        List<ServerProcess> others = cluster.members().stream().filter(s -> s != removed).toList();
        QnfClient client = ChaosCluster.clientOf(others, Duration.ofSeconds(30));
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                ClusterView after = client.removeMember(removed.id());
                if (after.members().stream().noneMatch(p -> p.id().equals(removed.id()))) {
                    last = null;
                    break;
                }
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(1000);
            }
        }
        if (last != null) {
            throw last;
        }
        cluster.dropMember(removed);
        removed.terminate(20);
        ctx.log().accept("removed " + removed.id() + " from the group and stopped it");
    }
}
