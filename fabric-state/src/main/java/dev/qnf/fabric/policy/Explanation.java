package dev.qnf.fabric.policy;

import java.util.List;

/**
 * The answer to "may {@code from} send {@code proto}/{@code port} to {@code to}": allowed only if the sender's
 * egress and the receiver's ingress both allow it; {@code reasons} name what decided each direction (every matching
 * deny rule when denied by rules, every matching allow rule when allowed by rules, else the default).
 */
public record Explanation(String from, String to, Protocol proto, int port, Verdict verdict, List<Reason> reasons) {
    public Explanation {
        reasons = List.copyOf(reasons);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(verdict.name().toLowerCase()).append(": ").append(from).append(" -> ")
                .append(to).append(' ').append(proto.name().toLowerCase()).append(port == 0 ? "" : "/" + port);
        reasons.forEach(r -> sb.append("\n  ").append(r));
        return sb.toString();
    }
}
