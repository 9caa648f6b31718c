package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

/** Cuts the leader off from every other server (clients still reach it); heal removes the rules. */
public final class PartitionLeader implements Fault {
    @Override
    public String name() {
        return "partition-leader";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        ctx.cluster().network().cut(FaultContext.slots(java.util.List.of(leader)),
                FaultContext.slots(ctx.followers(leader)));
        return leader.id() + " | " + FaultContext.ids(ctx.followers(leader));
    }

    @Override
    public void heal(FaultContext ctx) {
        ctx.cluster().network().healAll();
    }

    @Override
    public boolean needsPartitions() {
        return true;
    }
}
