package dev.qnf.consensus.store;

import java.nio.ByteBuffer;

/** The Raft term and log index of the last entry whose effects are in the store. */
public record AppliedMark(long term, long index) {
    /** Nothing applied yet; Ratis counts its log from index 0, so -1 precedes every entry. */
    public static final AppliedMark NONE = new AppliedMark(0, -1);

    byte[] toBytes() {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(term).putLong(index).array();
    }

    static AppliedMark fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new AppliedMark(b.getLong(), b.getLong());
    }
}
