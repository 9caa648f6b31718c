package dev.qnf.fabric.policy;

import java.util.List;
import java.util.Objects;

/**
 * One allow or deny rule of a policy: traffic matches when its peer matches any of {@code peers} (no peers: every
 * peer) and its protocol and port match any of {@code ports} (no ports: every protocol and port). Kubernetes'
 * {@code from}/{@code to} and {@code ports} have exactly this OR-within, AND-between meaning.
 */
public record Rule(Verdict action, List<Peer> peers, List<PortRange> ports) {
    public Rule {
        Objects.requireNonNull(action, "action");
        peers = peers == null ? List.of() : List.copyOf(peers);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public static Rule allow(List<Peer> peers, List<PortRange> ports) {
        return new Rule(Verdict.ALLOW, peers, ports);
    }

    public static Rule deny(List<Peer> peers, List<PortRange> ports) {
        return new Rule(Verdict.DENY, peers, ports);
    }

    /** Whether {@code proto}/{@code port} is among this rule's ports. */
    public boolean matchesPort(Protocol proto, int port) {
        return ports.isEmpty() || ports.stream().anyMatch(p -> p.matches(proto, port));
    }

    @Override
    public String toString() {
        return action.name().toLowerCase() + " " + (peers.isEmpty() ? "any peer" : peers) + " "
                + (ports.isEmpty() ? "any port" : ports);
    }
}
