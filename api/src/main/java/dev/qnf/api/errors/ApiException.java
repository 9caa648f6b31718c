package dev.qnf.api.errors;

import dev.qnf.fabric.state.Reply;

/** A request the API refuses, with the stable code that decides how each surface reports it. */
public final class ApiException extends RuntimeException {
    /**
     * Messages quote the caller's input; a 70 KB name quoted whole made the gRPC {@code grpc-message} trailer
     * larger than a client accepts (it saw an INTERNAL stream reset instead of INVALID_ARGUMENT). Percent-encoded
     * non-ASCII takes up to 9 bytes a char, so 512 chars stay well under the usual 8 KiB header limit.
     */
    public static final int MAX_MESSAGE_CHARS = 512;
    private final ApiCode code;

    public ApiException(ApiCode code, String message) {
        this(code, message, null);
    }

    public ApiException(ApiCode code, String message, Throwable cause) {
        super(bounded(message), cause, false, false);
        this.code = code;
    }

    private static String bounded(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        int cut = MAX_MESSAGE_CHARS - 40;
        if (Character.isHighSurrogate(message.charAt(cut - 1))) {
            cut--;
        }
        return message.substring(0, cut) + "… (" + message.length() + " chars)";
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
