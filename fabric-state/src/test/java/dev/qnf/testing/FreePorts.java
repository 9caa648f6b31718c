package dev.qnf.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the tests of every module (shipped in fabric-state's test jar, the one module all others
 * depend on). A port is only bound later by the server it is for, so two things could take it meanwhile, and both
 * are kept out: another probe of this JVM (a 3-server cluster takes 6 to 9 ports before any is bound), so a port is
 * handed out at most once per test JVM; and an outgoing connection (a starting server dialling its peers, an agent
 * dialling the control plane), which gets its local port from the kernel's ephemeral range (32768 and up by
 * default), so ports are taken below it, where a port picked by the kernel (bind to port 0) never comes from.
 */
public final class FreePorts {
    private static final int LOWEST = 20000;
    private static final int BELOW_EPHEMERAL = 32768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** One free port. */
    public static int one() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = LOWEST + ThreadLocalRandom.current().nextInt(BELOW_EPHEMERAL - LOWEST);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + BELOW_EPHEMERAL);
    }

    /** A base whose next {@code span} ports (base+1 .. base+span) are all free: for a dev cluster's port plan. */
    public static synchronized int base(int span) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = LOWEST + ThreadLocalRandom.current().nextInt(BELOW_EPHEMERAL - LOWEST - span - 1);
            if (allFree(base + 1, span)) {
                for (int p = base + 1; p <= base + span; p++) {
                    HANDED_OUT.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + span + " loopback ports below " + BELOW_EPHEMERAL);
    }

    private static boolean allFree(int from, int span) {
        for (int p = from; p < from + span; p++) {
            if (HANDED_OUT.contains(p) || !bindable(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
