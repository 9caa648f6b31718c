package dev.qnf.fabric;

/**
 * Input that can be rejected without looking at any state: a malformed CIDR, a bad name, an MTU out of range.
 * Thrown while user input is turned into typed values, so that such input never becomes a command.
 */
public final class InvalidInputException extends IllegalArgumentException {
    public InvalidInputException(String message) {
        super(message);
    }
}
