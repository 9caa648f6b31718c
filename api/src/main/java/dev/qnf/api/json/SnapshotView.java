package dev.qnf.api.json;

/** Answer of {@code POST /v1/cluster/snapshot}: the log index the snapshot covers. */
public record SnapshotView(long index) {
}
