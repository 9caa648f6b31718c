package dev.qnf.api.json;

import java.util.List;

/**
 * The cluster CA as {@code GET /v1/ca} shows it, never a key: the CAs of the trust bundle, the one that signs new
 * certificates ({@code signer}, a pin), the last rotation (ISO-8601, null before any) and whether its old CA is retired
 * yet ({@code retiredAt}, null while both are trusted), and from when it may be retired without forcing.
 */
public record CaView(List<CaCertView> bundle, String signer, String rotatedAt, String retiredAt, String retirableAt,
                     Long revision) {

    /** One CA certificate: its pin ({@code sha256:} of the public key), subject and validity end (ISO-8601). */
    public record CaCertView(String pin, String subject, String notAfter) {
    }
}
