package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

import java.util.List;

/** Cuts a minority of followers off from the rest (leader included); heal removes the rules. */
public final class PartitionMinority extends Partition {
    @Override
    public String name() {
        return "partition-minority";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        int minority = (ctx.cluster().members().size() - 1) / 2;
        List<ServerProcess> cut = ctx.pick(ctx.followers(leader), minority);
        List<ServerProcess> rest = isolate(ctx, cut);
        return FaultContext.ids(cut) + " | " + FaultContext.ids(rest) + " (leader " + leader.id() + ")";
    }
}
