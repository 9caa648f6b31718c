package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

/** SIGTERM of a member (the leader or a follower, by the seed), which closes cleanly; heal starts it again. */
public final class GracefulRestart implements Fault {
    private ServerProcess target;

    @Override
    public String name() {
        return "graceful-restart";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        boolean ofLeader = ctx.random().nextBoolean();
        target = ofLeader ? leader : ctx.pick(ctx.followers(leader), 1).get(0);
        target.terminate(20);
        return target.id() + (ofLeader ? " (leader)" : "");
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        ctx.cluster().restart(target);
    }
}
