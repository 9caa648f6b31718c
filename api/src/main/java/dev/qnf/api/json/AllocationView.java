package dev.qnf.api.json;

import java.util.Map;

/**
 * An endpoint's addresses and, once a runtime attached it, its container, interface, MAC and labels (absent
 * until then). {@code network} is set only inside watch events (the REST path already names it); {@code revision}
 * only in REST answers.
 */
public record AllocationView(String network, String endpoint, String ip, String ip6, String node, String containerId,
                             String ifName, String mac, Map<String, String> labels, Long revision) {
}
