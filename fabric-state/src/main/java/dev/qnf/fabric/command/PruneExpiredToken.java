package dev.qnf.fabric.command;

import dev.qnf.fabric.model.JoinToken;

/**
 * Garbage-collect join token {@code id} if it has expired at {@code nowMillis}. The time travels in the command (the
 * proposing server's clock, as for {@link RedeemToken}) so that every replica decides alike: a token that has not
 * expired at that instant, or is gone already, is left alone. Servers propose it for the expired tokens they see.
 */
public record PruneExpiredToken(String id, long nowMillis) implements Command {
    public PruneExpiredToken {
        JoinToken.checkId(id);
    }
}
