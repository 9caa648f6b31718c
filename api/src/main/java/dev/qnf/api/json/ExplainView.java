package dev.qnf.api.json;

import java.util.List;

/**
 * The answer of {@code GET /v1/policy/explain}: {@code verdict} allow or deny, the flow as resolved, and the
 * reasons per direction (egress at the sender, ingress at the receiver).
 */
public record ExplainView(String verdict, String from, String to, String proto, int port, List<Reason> reasons,
                          long revision) {
    /** {@code policy} and {@code rule} (index in its ingress or egress list) are absent for defaults. */
    public record Reason(String direction, String endpoint, String verdict, String policy, Integer rule,
                         String text) {
    }
}
