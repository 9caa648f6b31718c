package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the members into two groups of sizes n/2 and n - n/2 that cannot reach each other in either direction;
 * the seed decides whether the leader is on the smaller side. Heal removes the rules.
 */
public final class SymmetricSplit extends Partition {
    @Override
    public String name() {
        return "symmetric-split";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        List<ServerProcess> members = ctx.cluster().members();
        int small = members.size() / 2;
        boolean leaderInSmall = ctx.random().nextBoolean();
        List<ServerProcess> smaller = new ArrayList<>();
        if (leaderInSmall) {
            smaller.add(leader);
        }
        smaller.addAll(ctx.pick(ctx.followers(leader), small - smaller.size()));
        List<ServerProcess> larger = isolate(ctx, smaller);
        return FaultContext.ids(smaller) + " | " + FaultContext.ids(larger) + " (leader " + leader.id() + ")";
    }
}
