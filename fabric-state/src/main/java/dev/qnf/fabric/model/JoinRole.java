package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

import java.util.Locale;

/** What a join token lets its holder become: the kind in the SPIFFE ID of the certificate it is exchanged for. */
public enum JoinRole {
    NODE,
    SERVER;

    public static JoinRole parse(String text) {
        if (text == null || text.isEmpty()) {
            return NODE;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("role must be node or server, not '" + text + "'");
        }
    }

    /** As it appears in SPIFFE IDs, the CLI and JSON. */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
