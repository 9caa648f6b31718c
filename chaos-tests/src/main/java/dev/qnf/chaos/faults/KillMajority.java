package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

import java.util.ArrayList;
import java.util.List;

/** SIGKILL of a majority, the leader among them: no writes are possible until heal restarts them all. */
public final class KillMajority implements Fault {
    private final List<ServerProcess> targets = new ArrayList<>();

    @Override
    public String name() {
        return "kill-majority";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        int majority = ctx.cluster().members().size() / 2 + 1;
        targets.add(leader);
        targets.addAll(ctx.pick(ctx.followers(leader), majority - 1));
        targets.forEach(ServerProcess::kill);
        return FaultContext.ids(targets) + " (leader " + leader.id() + ")";
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        for (ServerProcess s : targets) {
            ctx.cluster().restart(s);
        }
    }
}
