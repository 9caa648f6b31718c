package dev.qnf.consensus.error;

import java.io.IOException;

/**
 * The replicated state could not be reached in time: no leader, no quorum, the replica is closing, or a write's
 * outcome is unknown. Retrying may help. The API maps it to UNAVAILABLE; an unknown outcome means the command
 * may or may not have been applied, which commands keyed by name (allocations by endpoint id) make safe to retry.
 */
public final class ReplicaUnavailableException extends IOException {
    public ReplicaUnavailableException(String message) {
        super(message);
    }

    public ReplicaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
