package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A join token as the replicated state keeps it: its public id and only the SHA-256 of its secret (lower-case
 * hex), so neither the Raft log, a snapshot nor a read of the state can give the secret back. A token is
 * exchanged for a certificate of {@code role} ({@code site} is where a joining node says it is, null for any) until
 * {@code expiresAtMillis} (wall clock of the server that handled the request), at most {@code usesLeft} more
 * times. {@code redeemedBy} lists who joined with it, oldest first.
 */
public record JoinToken(String id, String secretHash, JoinRole role, String site, long expiresAtMillis,
                        int usesLeft, List<String> redeemedBy) implements Resource {
    /** kubeadm's shape: the id is 6 and the secret 16 of [a-z0-9]. */
    private static final Pattern ID = Pattern.compile("[a-z0-9]{6}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** A token is for joining a few machines, not a fleet-wide password; bounded so the record stays small. */
    public static final int MAX_USES = 1000;

    public JoinToken {
        checkId(id);
        checkHash(secretHash);
        Objects.requireNonNull(role, "role");
        site = site == null || site.isEmpty() ? null : site;
        if (usesLeft < 0 || usesLeft > MAX_USES) {
            throw new InvalidInputException("uses must be between 0 and " + MAX_USES + ", not " + usesLeft);
        }
        redeemedBy = redeemedBy == null ? List.of() : List.copyOf(redeemedBy);
    }

    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidInputException("token id must be 6 lower-case letters or digits");
        }
        return id;
    }

    public static String checkHash(String hash) {
        if (hash == null || !SHA256_HEX.matcher(hash).matches()) {
            throw new InvalidInputException("token secret hash must be 64 lower-case hex digits (SHA-256)");
        }
        return hash;
    }

    /** What is stored for a secret: SHA-256 of its UTF-8 bytes, lower-case hex. */
    public static String hashOf(String secret) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public static ResourceKey keyOf(String id) {
        return new ResourceKey(ResourceKey.JOIN_TOKEN, id);
    }

    @Override
    public ResourceKey key() {
        return keyOf(id);
    }

    /** The same token after one more join by {@code subject}. */
    public JoinToken redeemedBy(String subject) {
        List<String> by = new java.util.ArrayList<>(redeemedBy);
        by.add(subject);
        return new JoinToken(id, secretHash, role, site, expiresAtMillis, usesLeft - 1, by);
    }
}
