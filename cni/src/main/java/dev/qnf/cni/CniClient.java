package dev.qnf.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code qnf} CNI plugin. It does no networking itself: it forwards the CNI call (environment and stdin) to the
 * node agent over its root-only Unix socket and relays the agent's answer, so the plugin stays small and fast to
 * start and every decision lives in the agent.
 *
 * <p>Wire protocol, one request per connection: the client writes one JSON object
 * {@code {"command","containerId","netns","ifName","args","path","stdin"}} and shuts down its output; the agent
 * answers with the process exit code in decimal, a newline, then the bytes to print on stdout.
 */
public final class CniClient {
    static final String DEFAULT_SOCKET = "/run/qnf/agent.sock";
    /** CNI error 11: "try again later". */
    static final int TRY_AGAIN_LATER = 11;
    static final String SUPPORTED = "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]";
    private static final Pattern CNI_VERSION = Pattern.compile("\"cniVersion\"\\s*:\\s*\"([^\"]{1,16})\"");
    private static final Pattern SOCKET = Pattern.compile("\"agentSocket\"\\s*:\\s*\"([^\"]{1,200})\"");

    private CniClient() {
    }

    public static void main(String[] args) throws IOException {
        byte[] stdin = System.in.readAllBytes();
        System.exit(run(System.getenv(), stdin, System.out));
    }

    static int run(Map<String, String> env, byte[] stdinBytes, PrintStream out) {
        String stdin = new String(stdinBytes, StandardCharsets.UTF_8);
        String command = env.getOrDefault("CNI_COMMAND", "");
        String version = find(CNI_VERSION, stdin, "1.1.0");
        if (command.equals("VERSION")) {
            out.print("{\"cniVersion\":\"" + version + "\",\"supportedVersions\":" + SUPPORTED + "}");
            return 0;
        }
        String socket = env.getOrDefault("QNF_AGENT_SOCKET", find(SOCKET, stdin, DEFAULT_SOCKET));
        String request = "{" + field("command", command) + "," + field("containerId", env.get("CNI_CONTAINERID"))
                + "," + field("netns", env.get("CNI_NETNS")) + "," + field("ifName", env.get("CNI_IFNAME"))
                + "," + field("args", env.get("CNI_ARGS")) + "," + field("path", env.get("CNI_PATH"))
                + "," + field("stdin", stdin) + "}";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(Path.of(socket)));
            ByteBuffer buf = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.shutdownOutput();
            return relay(Channels.newInputStream(ch), out, version);
        } catch (IOException e) {
            out.print(error(version, TRY_AGAIN_LATER, "qnf agent is not reachable; try again later",
                    socket + ": " + e.getMessage()));
            return 1;
        }
    }

    /** Reads "exit-code\n" then stdout bytes from the agent. */
    private static int relay(InputStream in, PrintStream out, String version) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        byte[] bytes = all.toByteArray();
        int nl = 0;
        while (nl < bytes.length && bytes[nl] != '\n') {
            nl++;
        }
        int code;
        try {
            code = Integer.parseInt(new String(bytes, 0, nl, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            out.print(error(version, TRY_AGAIN_LATER, "qnf agent gave a malformed answer", "no exit code"));
            return 1;
        }
        if (nl < bytes.length) {
            out.write(bytes, nl + 1, bytes.length - nl - 1);
        }
        out.flush();
        return code;
    }

    static String error(String version, int code, String msg, String details) {
        return "{\"cniVersion\":\"" + escape(version) + "\",\"code\":" + code + "," + field("msg", msg) + ","
                + field("details", details) + "}";
    }

    private static String find(Pattern p, String text, String dflt) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : dflt;
    }

    private static String field(String name, String value) {
        return "\"" + name + "\":" + (value == null ? "null" : "\"" + escape(value) + "\"");
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
