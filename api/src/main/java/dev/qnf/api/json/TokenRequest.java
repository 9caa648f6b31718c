package dev.qnf.api.json;

/** {@code POST /v1/tokens}: {@code ttlSeconds} (default 3600), {@code uses} (default 1), {@code role} node|server (default node), optional {@code site}. */
public record TokenRequest(Long ttlSeconds, Integer uses, String role, String site) {
}
