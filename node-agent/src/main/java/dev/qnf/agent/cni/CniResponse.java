package dev.qnf.agent.cni;

import java.nio.charset.StandardCharsets;

/** What the plugin binary exits with and prints: the exit code, then stdout (a result, an error object, or nothing). */
public record CniResponse(int exitCode, byte[] stdout) {
    static final CniResponse EMPTY = new CniResponse(0, new byte[0]);

    /** The wire form: the exit code in decimal, a newline, the stdout bytes. */
    byte[] wire() {
        byte[] head = (exitCode + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + stdout.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(stdout, 0, out, head.length, stdout.length);
        return out;
    }

    public String text() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
