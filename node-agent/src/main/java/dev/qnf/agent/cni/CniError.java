package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CNI call that failed, with the code the runtime sees. Codes below 100 are the spec's; QNF's own are 100 and up.
 * Thrown by parsing and by the verbs; {@link CniServer} turns it into the spec's error object
 * {@code {"cniVersion","code","msg","details"}}.
 */
public final class CniError extends RuntimeException {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    public static final int NOT_AVAILABLE_DAMAGED = 51;
    /** CHECK: the container's networking is not what the agent set up. */
    public static final int CHECK_FAILED = 100;
    /** An address, host port or interface name is already in use. */
    public static final int CONFLICT = 101;
    /** The network has no free address left. */
    public static final int EXHAUSTED = 102;
    /** A bug or an unexpected kernel failure (the value libcni uses for errors without a code). */
    public static final int INTERNAL = 999;

    private final int code;
    private final String details;

    public CniError(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details;
    }

    public CniError(int code, String msg) {
        this(code, msg, null);
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    public static CniError decode(String msg) {
        return new CniError(DECODING_FAILURE, msg);
    }

    public static CniError config(String msg) {
        return new CniError(INVALID_CONFIG, msg);
    }

    public static CniError env(String msg) {
        return new CniError(INVALID_ENVIRONMENT, msg);
    }

    /** The spec's error object. */
    public ObjectNode toJson(String cniVersion) {
        ObjectNode o = JsonFields.JSON.createObjectNode();
        o.put("cniVersion", cniVersion);
        o.put("code", code);
        o.put("msg", getMessage());
        if (details != null) {
            o.put("details", details);
        }
        return o;
    }

    @Override
    public String toString() {
        return "CNI error " + code + ": " + getMessage() + (details == null ? "" : " (" + details + ")");
    }
}
