package dev.qnf.api.service;

import dev.qnf.api.errors.ApiException;
import dev.qnf.fabric.model.JoinToken;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * A join token as its holder writes it, kubeadm's shape {@code <id>.<secret>}: 6 and 16 of [a-z0-9]. The id is
 * public (it names the token in listings and in the state); the secret is shown once, when the token is made, and
 * the state keeps only its SHA-256 ({@link JoinToken#hashOf}).
 */
public record JoinTokenText(String id, String secret) {
    private static final Pattern FORMAT = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static JoinTokenText generate() {
        return new JoinTokenText(random(6), random(16));
    }

    /** Reads a token as given by a caller; a malformed one is INVALID_ARGUMENT and never reaches consensus. */
    public static JoinTokenText parse(String text) {
        var m = text == null ? null : FORMAT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw ApiException.invalid("a join token looks like abcdef.0123456789abcdef (6 and 16 lower-case "
                    + "letters or digits)");
        }
        return new JoinTokenText(m.group(1), m.group(2));
    }

    public String secretHash() {
        return JoinToken.hashOf(secret);
    }

    @Override
    public String toString() {
        return id + "." + secret;
    }

    private static String random(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
