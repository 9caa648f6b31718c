package dev.qnf.cli;

/** What {@code qnf node|user revoke|unrevoke} print: one wording for nodes and users. */
final class RevocationLines {
    private RevocationLines() {
    }

    /** {@code kind}: node or user; {@code since}: when the revocation in force was recorded. */
    static String revoked(String kind, String name, boolean created, String since) {
        return (created ? "revoked " + kind + " " : kind + " already revoked: ") + name + " (since " + since + ")";
    }

    static String unrevoked(String kind, String name, String revokedAt, String liftedAt) {
        return "unrevoked " + kind + " " + name + " (revoked " + revokedAt + ", lifted " + liftedAt
                + "): certificates issued before the lift stay refused";
    }
}
