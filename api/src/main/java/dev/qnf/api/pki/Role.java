package dev.qnf.api.pki;

import dev.qnf.fabric.InvalidInputException;

import java.util.Locale;

/**
 * What a caller may do (see {@code dev.qnf.api.auth.Authorizer}). Servers and nodes get their role from the kind of
 * their SPIFFE ID; users carry theirs in the certificate subject's organization (O), like Kubernetes groups.
 */
public enum Role {
    /** everything, including cluster membership, tokens and revocation */
    ADMIN,
    /** reads, and writes to networks, allocations and nodes */
    OPERATOR,
    /** reads only */
    VIEWER,
    /** a node agent: reads, and writes to its own node record and its own endpoints only */
    NODE,
    /** a control-plane server: reads and cluster membership */
    SERVER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new InvalidInputException("unknown role '" + text + "' (admin, operator, viewer, node or server)");
        }
    }

    /** Roles a user certificate may carry. */
    public boolean userRole() {
        return this == ADMIN || this == OPERATOR || this == VIEWER;
    }
}
