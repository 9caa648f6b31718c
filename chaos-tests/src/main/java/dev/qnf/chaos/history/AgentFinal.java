package dev.qnf.chaos.history;

import java.util.Map;

/**
 * The node agent after the run, once the control plane was healed: whether CNI STATUS answered 0, how many
 * releases were still queued in its state dir after waiting for them to drain, and for every container still
 * attached the IPv4 address its eth0 really has in its namespace (null: no such interface or address).
 */
public record AgentFinal(boolean statusOk, int pendingReleases, Map<String, String> dataPlane) {
}
