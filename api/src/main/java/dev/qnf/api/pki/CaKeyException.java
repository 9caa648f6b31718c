package dev.qnf.api.pki;

/**
 * The cluster CA key cannot be used: it is encrypted and no passphrase (or a wrong one) was given, the passphrase
 * file is unusable, or a joining server received no key it can open. Messages never contain key material or the
 * passphrase.
 */
public final class CaKeyException extends RuntimeException {
    public CaKeyException(String message) {
        super(message);
    }
}
