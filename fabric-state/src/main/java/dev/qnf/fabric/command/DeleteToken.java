package dev.qnf.fabric.command;

import dev.qnf.fabric.model.JoinToken;

/** Withdraw a join token before it expires or is used up (also how used-up and expired ones are cleaned away). */
public record DeleteToken(String id) implements Command {
    public DeleteToken {
        JoinToken.checkId(id);
    }
}
