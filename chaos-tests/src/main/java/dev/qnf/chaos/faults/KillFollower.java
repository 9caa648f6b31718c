package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

/** SIGKILL of one follower; heal starts it again. */
public final class KillFollower implements Fault {
    private ServerProcess target;

    @Override
    public String name() {
        return "kill-follower";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        target = ctx.pick(ctx.followers(ctx.leader()), 1).get(0);
        target.kill();
        return target.id();
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        ctx.cluster().restart(target);
    }
}
