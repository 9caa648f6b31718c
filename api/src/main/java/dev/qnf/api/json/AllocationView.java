package dev.qnf.api.json;

/**
 * An endpoint's addresses. {@code network} is set only inside watch events (the REST path already names it);
 * {@code revision} only in REST answers.
 */
public record AllocationView(String network, String endpoint, String ip, String ip6, String node, Long revision) {
}
