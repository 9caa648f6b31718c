package dev.qnf.api.json;

/** Every REST error: a stable code (see docs/api.md) and a message for people. */
public record ErrorBody(String code, String message) {
}
