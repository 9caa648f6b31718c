package dev.qnf.chaos.history;

import java.util.Map;

/**
 * One server's state after the run, once every server had applied the same revision: read with
 * {@code stale=true} from that server alone, so it is exactly what that replica holds.
 *
 * @param allocations network to (endpoint to address)
 * @param networks    network name to its spec version (label v; 0 when it has none)
 */
public record FinalState(String server, long revision, String hash, Map<String, Map<String, String>> allocations,
                         Map<String, Integer> networks) {
}
