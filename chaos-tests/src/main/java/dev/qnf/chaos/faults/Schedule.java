package dev.qnf.chaos.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Which faults a run injects, in order, each held for a while before it is healed. The CI schedules are fixed;
 * the soak schedule is drawn from the seed.
 */
public record Schedule(String name, int servers, List<Step> steps) {

    /** One fault, held for {@code hold} between inject and heal, then {@code settle} of calm before the next. */
    public record Step(Supplier<Fault> fault, Duration hold, Duration settle) {
    }

    public Schedule {
        steps = List.copyOf(steps);
    }

    /** CI, 3 servers: every fault but the majority kill and the split, each once. */
    public static Schedule ciThree() {
        return new Schedule("ci-3", 3, List.of(
                step(KillLeader::new, 4),
                step(KillFollower::new, 3),
                step(() -> new PauseMember(PauseMember.Role.LEADER), 4),
                step(PartitionLeader::new, 4),
                step(PartitionMinority::new, 3),
                step(GracefulRestart::new, 2),
                step(MembershipChange::new, 3),
                step(StaleDataDir::new, 6)));
    }

    /** CI, 5 servers: a majority killed and restarted, a symmetric split, a paused follower. */
    public static Schedule ciFive() {
        return new Schedule("ci-5", 5, List.of(
                step(KillMajority::new, 4),
                step(SymmetricSplit::new, 5),
                step(() -> new PauseMember(PauseMember.Role.FOLLOWER), 3)));
    }

    /**
     * A long random schedule for soak runs (the run stops when its time is up): faults drawn uniformly, held 2-10 s,
     * 2-6 s of calm between them. Without {@code partitions} the network faults are left out.
     */
    public static Schedule random(long seed, int servers, boolean partitions, int count) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        List<Supplier<Fault>> kinds = new ArrayList<>(List.of(KillLeader::new, KillFollower::new, KillMajority::new,
                GracefulRestart::new, () -> new PauseMember(PauseMember.Role.RANDOM), MembershipChange::new,
                StaleDataDir::new));
        if (partitions) {
            kinds.addAll(List.of(PartitionLeader::new, PartitionMinority::new, SymmetricSplit::new));
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(new Step(kinds.get(random.nextInt(kinds.size())), Duration.ofMillis(2000 + random.nextInt(8000)),
                    Duration.ofMillis(2000 + random.nextInt(4000))));
        }
        return new Schedule("random-" + servers, servers, steps);
    }

    private static Step step(Supplier<Fault> fault, int holdSeconds) {
        return new Step(fault, Duration.ofSeconds(holdSeconds), Duration.ofMillis(1500));
    }

    /** True when some step cuts the network. */
    public boolean needsPartitions() {
        return steps.stream().anyMatch(s -> s.fault().get().needsPartitions());
    }
}
