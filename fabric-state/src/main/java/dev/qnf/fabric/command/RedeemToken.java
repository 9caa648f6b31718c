package dev.qnf.fabric.command;

import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Names;

/**
 * Use a join token once for {@code subject} (the node or server name the certificate will carry). {@code nowMillis}
 * is the wall clock of the API server that took the request, carried here so that every replica decides expiry
 * alike; apply never reads a clock.
 */
public record RedeemToken(String id, String secretHash, long nowMillis, String subject) implements Command {
    public RedeemToken {
        JoinToken.checkId(id);
        JoinToken.checkHash(secretHash);
        Names.node(subject);
    }
}
