package dev.qnf.chaos.history;

/** What the cluster observer saw when it polled each server. */
public final class Samples {
    private Samples() {
    }

    /** A server's {@code GET /v1/cluster}: the leader it knows (null: none) and its term and indexes. */
    public record LeaderSample(long atNanos, String server, String leader, long term, long commitIndex,
                               long appliedIndex) {
    }

    /** A server's {@code GET /v1/debug/state-hash}: the hash of its applied state at {@code revision}. */
    public record HashSample(long atNanos, String server, long revision, String hash) {
    }
}
