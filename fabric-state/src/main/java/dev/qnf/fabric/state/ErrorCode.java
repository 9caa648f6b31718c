package dev.qnf.fabric.state;

/** Why a command was refused. Stable: the API maps each to one gRPC status and one HTTP status. */
public enum ErrorCode {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    /** The state forbids this write whoever asks (a node record outside the site its join token bound it to). */
    PERMISSION_DENIED
}
