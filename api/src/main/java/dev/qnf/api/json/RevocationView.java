package dev.qnf.api.json;

/** A revoked node: its name, the certificate serial named when revoking (may be empty) and when (ISO-8601). */
public record RevocationView(String node, String serial, String time, Long revision) {
}
