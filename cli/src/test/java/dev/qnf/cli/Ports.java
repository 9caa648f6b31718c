package dev.qnf.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds a base port whose next {@code span} ports are all free on loopback (dev clusters use base+1..base+span). */
final class Ports {
    private Ports() {
    }

    static int freeBase(int span) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(20000);
            if (allFree(base + 1, span)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range of " + span);
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
