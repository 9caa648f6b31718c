package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The cluster CA's last rotation, as the replicated state keeps it (one record, {@code ca-rotation/current}): the
 * CA that signs from now on ({@code signer}, PEM), the same CA cross-signed by the one it replaces
 * ({@code crossSigned}, PEM: holders that trust only the old CA accept leaves that carry it), the replaced CA
 * ({@code previous}, PEM), the new CA's private key sealed under a key derived from the old CA's private key
 * ({@code sealedKey}: only a server that holds the old CA key can open it), the two CAs' public-key pins
 * ({@code sha256:} + hex) and when the rotation happened and the old CA was retired (0: still trusted), each by the
 * proposing server's clock. The state stores these as opaque text: the API makes and reads them, the state only
 * decides which rotation is allowed when. The trust bundle is [previous, signer] until retired, then [signer].
 */
public record CaRotation(String signer, String crossSigned, String previous, String sealedKey, String signerPin,
                         String previousPin, long rotatedAtMillis, long retiredAtMillis) implements Resource {
    public static final String NAME = "current";
    /**
     * How long after a rotation the old CA stays trusted at least (unless forced): the longest leaf lifetime (24 h:
     * every leaf the old CA issued has expired by then) plus an hour for clocks and late renewals.
     */
    public static final long MIN_OVERLAP_MILLIS = 25L * 3600 * 1000;
    /** Far more than a PEM certificate or a sealed P-256 key needs; keeps the record small. */
    private static final int MAX_TEXT = 16 * 1024;
    private static final Pattern PIN = Pattern.compile("sha256:[0-9a-f]{64}");

    public CaRotation {
        certificate("signer", signer);
        certificate("crossSigned", crossSigned);
        certificate("previous", previous);
        text("sealedKey", sealedKey);
        pin("signerPin", signerPin);
        pin("previousPin", previousPin);
        if (signerPin.equals(previousPin)) {
            throw new InvalidInputException("a rotation needs a new CA key: signer and previous have the same pin");
        }
        if (rotatedAtMillis <= 0 || retiredAtMillis < 0) {
            throw new InvalidInputException("rotation and retirement times must be positive (retired: 0 for not yet)");
        }
        if (retiredAtMillis != 0 && retiredAtMillis < rotatedAtMillis) {
            throw new InvalidInputException("the old CA cannot be retired before the rotation");
        }
    }

    public static ResourceKey keyOf() {
        return new ResourceKey(ResourceKey.CA_ROTATION, NAME);
    }

    @Override
    public ResourceKey key() {
        return keyOf();
    }

    public boolean retired() {
        return retiredAtMillis != 0;
    }

    /** From when the old CA may be retired without forcing. */
    public long retirableAtMillis() {
        return rotatedAtMillis + MIN_OVERLAP_MILLIS;
    }

    public CaRotation retiredAt(long atMillis) {
        return new CaRotation(signer, crossSigned, previous, sealedKey, signerPin, previousPin, rotatedAtMillis, atMillis);
    }

    @Override
    public String toString() {   // never the sealed key, not even sealed, in logs
        return "CaRotation[" + previousPin + " -> " + signerPin + ", rotated " + Instant.ofEpochMilli(rotatedAtMillis)
                + (retired() ? ", old CA retired " + Instant.ofEpochMilli(retiredAtMillis) : ", old CA still trusted")
                + "]";
    }

    private static void certificate(String field, String pem) {
        text(field, pem);
        if (!pem.startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidInputException(field + " must be a PEM certificate");
        }
    }

    private static void text(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
            throw new InvalidInputException(field + " must be non-empty text of at most " + MAX_TEXT + " characters");
        }
    }

    private static void pin(String field, String pin) {
        if (pin == null || !PIN.matcher(pin).matches()) {
            throw new InvalidInputException(field + " must be sha256: and 64 lower-case hex digits");
        }
    }
}
