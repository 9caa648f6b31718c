package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

/**
 * A slow member: SIGSTOP, so its sockets stay open and requests to it hang, then SIGCONT at heal. A paused leader
 * wakes up deposed, with requests it accepted before.
 */
public final class PauseMember implements Fault {
    /** Which member to pause. */
    public enum Role { LEADER, FOLLOWER, RANDOM }

    private final Role role;
    private ServerProcess target;

    public PauseMember(Role role) {
        this.role = role;
    }

    @Override
    public String name() {
        return "pause-" + (role == Role.RANDOM ? "member" : role.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        boolean ofLeader = role == Role.LEADER || role == Role.RANDOM && ctx.random().nextBoolean();
        target = ofLeader ? leader : ctx.pick(ctx.followers(leader), 1).get(0);
        target.pause();
        return target.id() + (ofLeader ? " (leader)" : "");
    }

    @Override
    public void heal(FaultContext ctx) {
        target.resume();
    }
}
