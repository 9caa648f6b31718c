package dev.qnf.api.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for explicit addresses. The port is only bound later by the server it is for, so two things
 * could take it meanwhile, and both are kept out: another probe of this JVM (a 3-server cluster takes 6 to 8 ports
 * before any is bound), so a port is handed out at most once per test JVM; and an outgoing connection (a starting
 * server dialling its peers), which gets its local port from the kernel's ephemeral range (32768 and up by
 * default), so ports are taken below it, where a port picked by the kernel (bind to port 0) never comes from.
 */
public final class Ports {
    private static final int LOWEST = 20000;
    private static final int BELOW_EPHEMERAL = 32768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** {@code 127.0.0.1:<a free port>}: a Raft, API or join address. */
    public static String loopback() {
        return "127.0.0.1:" + free();
    }

    public static int free() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = LOWEST + ThreadLocalRandom.current().nextInt(BELOW_EPHEMERAL - LOWEST);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + BELOW_EPHEMERAL);
    }
}
