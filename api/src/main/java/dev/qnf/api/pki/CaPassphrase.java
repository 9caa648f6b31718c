package dev.qnf.api.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The passphrase that encrypts the cluster CA key at rest ({@link ClusterPki}), read from a file the operator keeps
 * on another medium than the data directory (a tmpfs, a secret store's mount). Never printed: {@link #toString()}
 * says only whether there is one.
 */
public final class CaPassphrase {
    /** Shorter passphrases are refused: the key file may be copied and attacked offline. */
    public static final int MIN_LENGTH = 12;
    private static final CaPassphrase NONE = new CaPassphrase(null);

    private final char[] chars;

    private CaPassphrase(char[] chars) {
        this.chars = chars;
    }

    /** No passphrase: the CA key is kept as a plain 0600 PEM (qnf dev, tests, or an operator who chose so). */
    public static CaPassphrase none() {
        return NONE;
    }

    /** A passphrase given in code (tests). */
    public static CaPassphrase of(String text) {
        return checked(text.toCharArray(), "the passphrase");
    }

    /** The file's content, without one trailing newline; UTF-8. */
    public static CaPassphrase fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CaKeyException("cannot read the CA passphrase file " + file + ": " + e.getMessage());
        }
        try {
            CharBuffer decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            int end = decoded.limit();
            if (end > 0 && decoded.get(end - 1) == '\n') {
                end--;
                if (end > 0 && decoded.get(end - 1) == '\r') {
                    end--;
                }
            }
            char[] chars = new char[end];
            decoded.get(chars, 0, end);
            Arrays.fill(decoded.array(), '\0');
            return checked(chars, "the CA passphrase file " + file);
        } catch (CharacterCodingException e) {
            throw new CaKeyException("the CA passphrase file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static CaPassphrase checked(char[] chars, String what) {
        if (chars.length < MIN_LENGTH) {
            throw new CaKeyException(what + " holds fewer than " + MIN_LENGTH + " characters");
        }
        return new CaPassphrase(chars);
    }

    public boolean isPresent() {
        return chars != null;
    }

    /** A copy for one use; callers clear it. */
    char[] chars() {
        return chars.clone();
    }

    @Override
    public String toString() {
        return isPresent() ? "CaPassphrase[given]" : "CaPassphrase[none]";
    }
}
