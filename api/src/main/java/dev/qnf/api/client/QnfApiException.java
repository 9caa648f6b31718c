package dev.qnf.api.client;

/**
 * A request the server refused, or that no server answered. {@code code} is the stable code of the error body
 * (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, PAYLOAD_TOO_LARGE,
 * UNAVAILABLE, ...). When no server could be reached the status is 503 and the code UNAVAILABLE.
 */
public final class QnfApiException extends RuntimeException {
    private final int httpStatus;
    private final String code;

    public QnfApiException(int httpStatus, String code, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public QnfApiException(int httpStatus, String code, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return "QnfApiException{" + httpStatus + " " + code + ": " + getMessage() + "}";
    }
}
