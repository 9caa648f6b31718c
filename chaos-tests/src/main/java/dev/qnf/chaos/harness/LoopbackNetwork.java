package dev.qnf.chaos.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every server on 127.0.0.1 with its own ports, for machines without root: everything but partitions works.
 * Slot {@code i} uses API port base+i and Raft port base+20+i.
 */
public final class LoopbackNetwork implements ServerNetwork {
    private static final int SPAN = 40;
    private final int base;

    public LoopbackNetwork() {
        this.base = freeBase();
    }

    @Override
    public Place attach(int slot) {
        if (slot < 1 || slot >= 20) {
            throw new IllegalArgumentException("slot " + slot + " out of 1..19");
        }
        return new Place(slot, "127.0.0.1", base + slot, base + 20 + slot, List.of());
    }

    @Override
    public boolean canPartition() {
        return false;
    }

    @Override
    public void cut(Collection<Integer> side, Collection<Integer> other) {
        throw new UnsupportedOperationException("partitions need per-server network namespaces (root)");
    }

    @Override
    public void healAll() {
        // nothing is ever cut
    }

    @Override
    public String describe() {
        return "loopback ports " + base + "+";
    }

    @Override
    public void close() {
        // nothing to remove
    }

    private static int freeBase() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int b = 20000 + ThreadLocalRandom.current().nextInt(20000);
            if (allFree(b + 1, SPAN)) {
                return b;
            }
        }
        throw new IllegalStateException("no free range of " + SPAN + " ports");
    }

    private static boolean allFree(int from, int span) {
        for (int p = from; p < from + span; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
