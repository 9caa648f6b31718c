package dev.qnf.chaos.history;

/**
 * How an operation ended, as the client saw it. {@code OK}: the server answered 2xx. {@code FAIL}: definitely not
 * applied (a 4xx refusal, or the request never left the client). {@code UNKNOWN}: it may or may not take effect,
 * at any time after it was invoked (timeouts, 503s, broken connections).
 */
public enum Outcome {
    OK, FAIL, UNKNOWN
}
