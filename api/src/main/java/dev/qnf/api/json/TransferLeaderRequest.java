package dev.qnf.api.json;

/** Body of {@code POST /v1/cluster/leader}; without an id the cluster picks the new leader. */
public record TransferLeaderRequest(String id) {
}
