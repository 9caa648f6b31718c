package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

/** SIGKILL of the leader; heal starts it again from its data directory. */
public final class KillLeader implements Fault {
    private ServerProcess target;

    @Override
    public String name() {
        return "kill-leader";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        target = ctx.leader();
        target.kill();
        return target.id() + " (leader)";
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        ctx.cluster().restart(target);
    }
}
