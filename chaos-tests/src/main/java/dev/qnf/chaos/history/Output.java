package dev.qnf.chaos.history;

import java.util.Map;

/** What an operation answered. */
public sealed interface Output {

    /** An allocation: its address, whether this call created it (201), and the revision of its entry. */
    record Allocated(String ip, boolean created, long revision) implements Output {
    }

    /** A release, or a network deletion: the revision after it. */
    record Deleted(long revision) implements Output {
    }

    /** A list of allocations: endpoint to address, at {@code revision}. */
    record Listing(Map<String, String> ips, long revision) implements Output {
        public Listing {
            ips = Map.copyOf(ips);
        }
    }

    /**
     * A network as a register: its spec version, or null when absent (a GET answered 404); {@code created} only
     * for creations.
     */
    record NetState(Integer version, boolean created, long revision) implements Output {
    }

    /** A definite refusal: HTTP status and stable code. */
    record Refused(int status, String code, String message) implements Output {
    }

    /** No answer: why (timeout, 503, connection error). */
    record NoAnswer(String reason) implements Output {
    }

    /** The agent's answer to a CNI call: the exit code, the container's IPv4 address for a successful ADD. */
    record CniAnswer(int code, String ip, String text) implements Output {
    }
}
