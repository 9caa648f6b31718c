package dev.qnf.fabric.command;

import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Names;

/**
 * Use a join token once for {@code subject} (the node or server name the certificate will carry). {@code nowMillis}
 * is the wall clock of the API server that took the request, carried here so that every replica decides expiry
 * alike; apply never reads a clock. {@code role} is what the joiner asks to become (null: whatever the token
 * says): a token of another role is refused before it is spent, so a server cannot burn a node's token.
 * {@code site} is where a joining node says it is (null: wherever the token puts it): a token bound to another
 * site is refused before it is spent.
 */
public record RedeemToken(String id, String secretHash, long nowMillis, String subject, JoinRole role, String site)
        implements Command {
    /** Redeems for whatever role the token carries, wherever it puts the joiner. */
    public RedeemToken(String id, String secretHash, long nowMillis, String subject) {
        this(id, secretHash, nowMillis, subject, null, null);
    }

    /** Redeems wherever the token puts the joiner. */
    public RedeemToken(String id, String secretHash, long nowMillis, String subject, JoinRole role) {
        this(id, secretHash, nowMillis, subject, role, null);
    }

    public RedeemToken {
        site = site == null || site.isEmpty() ? null : site;
        JoinToken.checkId(id);
        JoinToken.checkHash(secretHash);
        Names.node(subject);
    }
}
