package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

import java.util.List;

/** Cuts the leader off from every other server (clients still reach it); heal removes the rules. */
public final class PartitionLeader extends Partition {
    @Override
    public String name() {
        return "partition-leader";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        List<ServerProcess> followers = isolate(ctx, List.of(leader));
        return leader.id() + " | " + FaultContext.ids(followers);
    }
}
