package dev.qnf.api.json;

import java.util.List;

/**
 * A join token as the API shows it: never the secret nor its hash. {@code role} node or server, {@code site} null
 * for any, {@code expiresAtMillis} wall clock, {@code redeemedBy} the names that joined with it.
 */
public record TokenView(String id, String role, String site, long expiresAtMillis, int usesLeft,
                        List<String> redeemedBy) {
}
