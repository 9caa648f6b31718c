package dev.qnf.api.json;

/** Body of {@code /readyz}: {@code reason} is absent when ready. */
public record Readiness(boolean ready, String reason, String leader, long commitIndex, long appliedIndex) {
}
