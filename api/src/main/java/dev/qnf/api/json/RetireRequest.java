package dev.qnf.api.json;

/** {@code POST /v1/ca/retire-old}: {@code force} retires the old CA before the overlap has passed (default false). */
public record RetireRequest(Boolean force) {
}
