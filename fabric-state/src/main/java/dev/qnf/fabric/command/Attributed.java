package dev.qnf.fabric.command;

import java.util.Objects;

/**
 * A command wrapped with who sent it and when (the handling server's clock), so the audit record apply writes is
 * the same on every replica. The API wraps every write in one place; the wrapped command decides alone.
 */
public record Attributed(String who, long atMillis, Command command) implements Command {
    public Attributed {
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(command, "command");
        if (command instanceof Attributed) {
            throw new IllegalArgumentException("a command is attributed once");
        }
    }
}
