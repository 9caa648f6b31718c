package dev.qnf.consensus.codec;

/** Bytes that do not decode, or a value that does not encode: a bug or corruption, never a user error. */
public final class CodecException extends IllegalStateException {
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
