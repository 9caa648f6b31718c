package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;

import java.util.Objects;

/**
 * One expectation of a policy file, in the spirit of Tailscale's ACL tests: traffic {@code from} → {@code to} with
 * {@code proto}/{@code port} must get {@code expect}. {@code from} and {@code to} are {@link FlowEnd} texts.
 * {@code port} is 0 for ICMP and ANY.
 */
public record PolicyTest(String from, String to, Protocol proto, int port, Verdict expect) {
    public PolicyTest {
        FlowEnd.parse(from);
        FlowEnd.parse(to);
        proto = proto == null ? Protocol.TCP : proto;
        Objects.requireNonNull(expect, "expect (allow or deny)");
        if (proto == Protocol.ANY) {
            throw new InvalidInputException("a test names one protocol (tcp, udp, sctp, icmp), not any");
        }
        if (proto.hasPorts() && (port < 1 || port > 65535)) {
            throw new InvalidInputException("test " + from + " -> " + to + ": port " + port + " outside 1..65535");
        }
        if (!proto.hasPorts() && port != 0) {
            throw new InvalidInputException("test " + from + " -> " + to + ": " + proto.name().toLowerCase()
                    + " has no port");
        }
    }

    @Override
    public String toString() {
        return from + " -> " + to + " " + proto.name().toLowerCase() + (port == 0 ? "" : "/" + port)
                + " expect " + expect.name().toLowerCase();
    }
}
