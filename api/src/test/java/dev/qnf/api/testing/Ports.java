package dev.qnf.api.testing;

import dev.qnf.testing.FreePorts;

/** Loopback addresses on free ports ({@link FreePorts}: below the ephemeral range, never handed out twice). */
public final class Ports {
    private Ports() {
    }

    /** {@code 127.0.0.1:<a free port>}: a Raft, API or join address. */
    public static String loopback() {
        return "127.0.0.1:" + free();
    }

    public static int free() {
        return FreePorts.one();
    }
}
