package dev.qnf.api.errors;

import dev.qnf.fabric.state.Reply;

/** A request the API refuses, with the stable code that decides how each surface reports it. */
public final class ApiException extends RuntimeException {
    private final ApiCode code;

    public ApiException(ApiCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ApiException(ApiCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public static ApiException rejected(Reply.Rejected rejected) {
        return new ApiException(ApiCode.of(rejected.code()), rejected.message());
    }

    public static ApiException notFound(String message) {
        return new ApiException(ApiCode.NOT_FOUND, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ApiCode.INVALID_ARGUMENT, message);
    }

    public static ApiException unavailable(String message, Throwable cause) {
        return new ApiException(ApiCode.UNAVAILABLE, message, cause);
    }

    public ApiCode code() {
        return code;
    }
}
