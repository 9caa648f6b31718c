package dev.qnf.fabric.command;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.JoinToken;

import java.util.Objects;

/** Store a new join token (only its secret's hash travels; the API server made the secret and hands it out once). */
public record CreateToken(JoinToken token) implements Command {
    public CreateToken {
        Objects.requireNonNull(token, "token");
        if (token.usesLeft() < 1) {
            throw new InvalidInputException("a token needs at least one use");
        }
        if (!token.redeemedBy().isEmpty()) {
            throw new InvalidInputException("a new token has not been redeemed");
        }
    }
}
