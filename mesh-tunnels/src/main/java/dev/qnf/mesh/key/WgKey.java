package dev.qnf.mesh.key;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A WireGuard key: 32 raw bytes (a Curve25519 scalar or point, little-endian). Published and configured as base64
 * (44 characters) in QNF and in {@code wg}; the UAPI wants lowercase hex. {@link #toString} never prints the bytes,
 * so a private key in a log line shows as a fingerprint only.
 */
public final class WgKey {
    public static final int LENGTH = 32;
    private final byte[] bytes;

    private WgKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static WgKey of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("a WireGuard key is " + LENGTH + " bytes, got "
                    + (raw == null ? "none" : raw.length));
        }
        return new WgKey(raw.clone());
    }

    /** Parses base64 as {@code wg genkey} prints it; a clear error for anything else. */
    public static WgKey fromBase64(String text) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text == null ? "" : text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 WireGuard key: " + e.getMessage());
        }
        return of(raw);
    }

    public static WgKey fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a hex WireGuard key is " + 2 * LENGTH + " characters");
        }
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** True for the all-zero key, which the UAPI reports for "no key". */
    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WgKey k && MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The first 8 characters of the base64 form: enough to tell public keys apart in logs. */
    @Override
    public String toString() {
        return "WgKey[" + base64().substring(0, 8) + "...]";
    }
}
