package dev.qnf.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a base port whose next {@code span} ports are all free on loopback (dev clusters use base+1..base+span).
 * The servers bind them only later, so the range is kept clear of two things that could take a port meanwhile:
 * the kernel's ephemeral range (32768 and up by default, where outgoing connections get their local port), and
 * the ranges already handed out in this JVM to servers that may not have bound yet.
 */
final class Ports {
    private static final int LOWEST = 20000;
    private static final int BELOW_EPHEMERAL = 32768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    static synchronized int freeBase(int span) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = LOWEST + ThreadLocalRandom.current().nextInt(BELOW_EPHEMERAL - LOWEST - span - 1);
            if (allFree(base + 1, span)) {
                for (int p = base + 1; p <= base + span; p++) {
                    HANDED_OUT.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no free port range of " + span);
    }

    private static boolean allFree(int from, int span) {
        for (int p = from; p < from + span; p++) {
            if (HANDED_OUT.contains(p)) {
                return false;
            }
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
