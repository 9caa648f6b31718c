package dev.qnf.cni;

import java.io.PrintStream;
import java.util.Map;

/** Opens the plugin binary's entry point to the agent's tests, which drive the agent exactly as a runtime does. */
public final class CniClients {
    private CniClients() {
    }

    public static int run(Map<String, String> env, byte[] stdin, PrintStream out) {
        return CniClient.run(env, stdin, out);
    }
}
