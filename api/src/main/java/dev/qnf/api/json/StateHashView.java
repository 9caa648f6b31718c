package dev.qnf.api.json;

import java.util.Map;

/**
 * {@code GET /v1/debug/state-hash}: a SHA-256 digest of this server's applied state at {@code revision}, and its
 * object counts. Two replicas at the same revision must answer the same hash.
 */
public record StateHashView(long revision, String hash, Map<String, Integer> counts) {
}
