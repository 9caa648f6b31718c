package dev.qnf.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for explicit addresses. The port is only bound later by the server it is for, and the kernel
 * picks a random free port for each probe: two probes before either server binds can get the same port (a 3-server
 * cluster takes 6 to 8 of them). So a port is handed out at most once per test JVM.
 */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** {@code 127.0.0.1:<a free port>}: a Raft, API or join address. */
    public static String loopback() {
        return "127.0.0.1:" + free();
    }

    public static int free() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
