package dev.qnf.api.json;

/** Answer of a DELETE: the revision of the state after it. */
public record Deleted(long revision) {
}
