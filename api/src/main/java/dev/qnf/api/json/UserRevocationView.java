package dev.qnf.api.json;

/** A revoked user, as {@link RevocationView} describes a node ({@code lifted}: by {@code qnf user unrevoke}). */
public record UserRevocationView(String user, String serial, String time, String lifted, Long revision) {
}
