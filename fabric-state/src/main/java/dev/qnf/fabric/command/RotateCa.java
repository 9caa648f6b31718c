package dev.qnf.fabric.command;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.CaRotation;

import java.util.Objects;

/**
 * Record a CA rotation that a server holding the current CA key prepared (see {@link CaRotation}). Refused while
 * the previous rotation's old CA is still trusted, and when {@code rotation.previousPin} is not the cluster's
 * current signer (a server that has not caught up with the last rotation cannot start another).
 */
public record RotateCa(CaRotation rotation) implements Command {
    public RotateCa {
        Objects.requireNonNull(rotation, "rotation");
        if (rotation.retired()) {
            throw new InvalidInputException("a new rotation cannot be retired already");
        }
    }
}
