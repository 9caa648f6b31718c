package dev.qnf.chaos.faults;

import dev.qnf.chaos.harness.ServerProcess;

import java.util.List;

/**
 * A fault that cuts the members into two sides that cannot reach each other in either direction (clients still
 * reach every server); the kinds differ only in which side they cut off. Heal removes every rule.
 */
public abstract sealed class Partition implements Fault permits PartitionLeader, PartitionMinority, SymmetricSplit {
    /** Cuts {@code side} off from every other member; answers those others, in member order. */
    static List<ServerProcess> isolate(FaultContext ctx, List<ServerProcess> side) {
        List<ServerProcess> rest = ctx.cluster().members().stream().filter(s -> !side.contains(s)).toList();
        ctx.cluster().network().cut(FaultContext.slots(side), FaultContext.slots(rest));
        return rest;
    }

    @Override
    public final void heal(FaultContext ctx) {
        ctx.cluster().network().healAll();
    }

    @Override
    public final boolean needsPartitions() {
        return true;
    }
}
