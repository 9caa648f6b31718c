package dev.qnf.agent.state;

import java.util.Locale;
import java.util.Objects;

/**
 * One published port of an attachment: {@code hostPort}/{@code protocol} on every host address forwards to
 * {@code containerPort} on the attachment's addresses (IPv4, and IPv6 when it has one).
 *
 * @param protocol "tcp" or "udp"
 */
public record PortMap(String protocol, int hostPort, int containerPort) {
    public PortMap {
        protocol = Objects.requireNonNull(protocol, "protocol").toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("protocol '" + protocol + "' is not tcp or udp");
        }
        check(hostPort, "hostPort");
        check(containerPort, "containerPort");
    }

    public static PortMap tcp(int hostPort, int containerPort) {
        return new PortMap("tcp", hostPort, containerPort);
    }

    /** Two mappings clash when they claim the same host port and protocol. */
    public boolean clashesWith(PortMap other) {
        return protocol.equals(other.protocol) && hostPort == other.hostPort;
    }

    private static void check(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " out of range 1..65535");
        }
    }

    @Override
    public String toString() {
        return protocol + "/" + hostPort + "->" + containerPort;
    }
}
