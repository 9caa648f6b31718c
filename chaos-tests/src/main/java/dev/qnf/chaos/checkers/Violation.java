package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.Operation;

import java.util.List;

/** One breach of an invariant: what is wrong, and the operations (and other lines) that show it. */
public record Violation(String invariant, String message, List<Operation> excerpt, List<String> context) {
    public Violation {
        excerpt = List.copyOf(excerpt);
        context = List.copyOf(context);
    }

    public static Violation of(String invariant, String message, List<Operation> excerpt) {
        return new Violation(invariant, message, excerpt, List.of());
    }
}
