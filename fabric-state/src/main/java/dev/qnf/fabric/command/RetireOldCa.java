package dev.qnf.fabric.command;

/**
 * Stop trusting the CA the last rotation replaced: the trust bundle becomes the signer alone. {@code nowMillis} is
 * the proposing server's clock (decided on it, like {@link PruneExpiredToken}); refused before
 * {@link dev.qnf.fabric.model.CaRotation#retirableAtMillis} unless {@code force}.
 */
public record RetireOldCa(long nowMillis, boolean force) implements Command {
}
