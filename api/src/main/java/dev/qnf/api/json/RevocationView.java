package dev.qnf.api.json;

/**
 * A revoked node: its name, the certificate serial named when revoking (may be empty), when (ISO-8601) and, once
 * {@code qnf node unrevoke} lifted it, when that was (null while in force: certificates issued up to then stay
 * refused).
 */
public record RevocationView(String node, String serial, String time, String lifted, Long revision) {
}
