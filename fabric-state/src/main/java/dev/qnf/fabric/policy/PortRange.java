package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;

import java.util.Objects;

/**
 * A protocol and an inclusive port range; {@code from == 0} (and {@code to == 0}) means every port of the protocol.
 * ICMP and ANY take no ports. Kubernetes' {@code port}/{@code endPort} map to {@code from}/{@code to}.
 */
public record PortRange(Protocol protocol, int from, int to) {
    public PortRange {
        Objects.requireNonNull(protocol, "protocol");
        if (from == 0 && to == 0) {
            // every port
        } else if (!protocol.hasPorts()) {
            throw new InvalidInputException(protocol.name().toLowerCase() + " has no ports; leave the port out");
        } else if (from < 1 || from > 65535 || to < 1 || to > 65535) {
            throw new InvalidInputException("port range " + from + "-" + to + " outside 1..65535");
        } else if (to < from) {
            throw new InvalidInputException("port range " + from + "-" + to + " ends before it starts");
        }
    }

    public static PortRange all(Protocol protocol) {
        return new PortRange(protocol, 0, 0);
    }

    public static PortRange of(Protocol protocol, int port) {
        return new PortRange(protocol, port, port);
    }

    /** Whether a packet of {@code proto} to {@code port} (0 when the protocol has none) falls in this range. */
    public boolean matches(Protocol proto, int port) {
        if (protocol != Protocol.ANY && protocol != proto) {
            return false;
        }
        return from == 0 || (port >= from && port <= to);
    }

    /** Every port of the protocol (no range given). */
    public boolean allPorts() {
        return from == 0;
    }

    @Override
    public String toString() {
        String p = protocol.name().toLowerCase();
        return from == 0 ? p : from == to ? p + "/" + from : p + "/" + from + "-" + to;
    }
}
