package dev.qnf.api.errors;

import dev.qnf.fabric.state.ErrorCode;
import io.grpc.Status;

/**
 * The stable error codes of the API, each with its HTTP and gRPC status. The names are the {@code code} strings of
 * REST error bodies and never change meaning.
 */
public enum ApiCode {
    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT),
    UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED),
    PERMISSION_DENIED(403, Status.Code.PERMISSION_DENIED),
    NOT_FOUND(404, Status.Code.NOT_FOUND),
    METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED),
    ALREADY_EXISTS(409, Status.Code.ALREADY_EXISTS),
    FAILED_PRECONDITION(409, Status.Code.FAILED_PRECONDITION),
    /** A pool ran out of addresses: a conflict with the current state, so 409 like the other refusals. */
    RESOURCE_EXHAUSTED(409, Status.Code.RESOURCE_EXHAUSTED),
    /** A request body over the limit. gRPC reports its own message limit as RESOURCE_EXHAUSTED. */
    PAYLOAD_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
    INTERNAL(500, Status.Code.INTERNAL),
    /** No leader, no quorum, or the cluster did not answer in time: retry, possibly on another server. */
    UNAVAILABLE(503, Status.Code.UNAVAILABLE);

    private final int httpStatus;
    private final Status.Code grpcCode;

    ApiCode(int httpStatus, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    public static ApiCode of(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> INVALID_ARGUMENT;
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case FAILED_PRECONDITION -> FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> RESOURCE_EXHAUSTED;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
        };
    }

    /** The code a bare HTTP status stands for, for statuses produced outside our handlers (unknown route, ...). */
    public static ApiCode ofHttpStatus(int status) {
        for (ApiCode c : values()) {
            if (c.httpStatus == status) {
                return c;
            }
        }
        return status >= 500 ? (status == 503 || status == 504 ? UNAVAILABLE : INTERNAL) : INVALID_ARGUMENT;
    }
}
