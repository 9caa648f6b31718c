package dev.qnf.consensus.store;

import dev.qnf.fabric.model.ResourceKey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layout of the state database, one keyspace split by prefix:
 * {@code r/<kind/name>} resources, {@code ev/<revision, 8 bytes big-endian>} the changes of one revision,
 * {@code meta/...} bookkeeping. Big-endian revisions sort numerically, so history is a range scan.
 */
final class Keys {
    static final byte[] RESOURCE_PREFIX = ascii("r/");
    /** The first key after every {@code r/} key ('0' follows '/'). */
    static final byte[] RESOURCE_END = ascii("r0");
    static final byte[] EVENT_PREFIX = ascii("ev/");
    static final byte[] APPLIED = ascii("meta/applied");
    static final byte[] COMPACTED_BELOW = ascii("meta/compacted-below");

    private Keys() {
    }

    static byte[] resource(ResourceKey key) {
        return concat(RESOURCE_PREFIX, key.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] event(long revision) {
        return concat(EVENT_PREFIX, ByteBuffer.allocate(Long.BYTES).putLong(revision).array());
    }

    static long revisionOf(byte[] eventKey) {
        return ByteBuffer.wrap(eventKey, EVENT_PREFIX.length, Long.BYTES).getLong();
    }

    static boolean isEvent(byte[] key) {
        return key.length == EVENT_PREFIX.length + Long.BYTES
                && Arrays.equals(key, 0, EVENT_PREFIX.length, EVENT_PREFIX, 0, EVENT_PREFIX.length);
    }

    static byte[] longValue(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    static long longOf(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
