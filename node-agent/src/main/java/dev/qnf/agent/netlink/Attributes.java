package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.qnf.agent.netlink.NetlinkConstants.NLA_HDRLEN;
import static dev.qnf.agent.netlink.NetlinkConstants.NLA_TYPE_MASK;

/**
 * A parsed run of {@code rtattr}/{@code nlattr}: type (NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off) to payload.
 * A repeated type keeps the last occurrence, as the kernel's own {@code nla_parse} does.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(Map.of());
    private final Map<Integer, byte[]> values;

    private Attributes(Map<Integer, byte[]> values) {
        this.values = values;
    }

    /** Parses attributes from the buffer's position to its limit. */
    public static Attributes parse(ByteBuffer region) {
        ByteBuffer in = region.slice().order(ByteOrder.nativeOrder());
        Map<Integer, byte[]> values = new LinkedHashMap<>();
        while (in.remaining() >= NLA_HDRLEN) {
            int start = in.position();
            int length = in.getShort() & 0xffff;
            int type = in.getShort() & NLA_TYPE_MASK;
            if (length < NLA_HDRLEN || length > in.limit() - start) {
                throw new IllegalArgumentException("malformed attribute at offset " + start + ": type " + type
                        + ", length " + length + ", " + (in.limit() - start) + " bytes left");
            }
            byte[] value = new byte[length - NLA_HDRLEN];
            in.get(value);
            values.put(type, value);
            in.position(Math.min(in.limit(), start + NetlinkRequest.align(length)));
        }
        return new Attributes(Collections.unmodifiableMap(values));
    }

    public boolean has(int type) {
        return values.containsKey(type);
    }

    public Set<Integer> types() {
        return values.keySet();
    }

    public Optional<byte[]> bytes(int type) {
        byte[] v = values.get(type);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** A NUL-terminated string attribute, without its terminator. */
    public Optional<String> string(int type) {
        byte[] v = values.get(type);
        if (v == null) {
            return Optional.empty();
        }
        int end = 0;
        while (end < v.length && v[end] != 0) {
            end++;
        }
        return Optional.of(new String(v, 0, end, StandardCharsets.UTF_8));
    }

    /** A native-order u32 (read as a Java int; use Integer.toUnsignedLong where it matters). */
    public Optional<Integer> u32(int type) {
        byte[] v = values.get(type);
        if (v == null) {
            return Optional.empty();
        }
        if (v.length < 4) {
            throw new IllegalArgumentException("attribute " + type + " has " + v.length + " bytes, want a u32");
        }
        return Optional.of(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt());
    }

    public int u32(int type, int absent) {
        return u32(type).orElse(absent);
    }

    /** The attributes nested inside attribute {@code type}, or none. */
    public Attributes nested(int type) {
        byte[] v = values.get(type);
        return v == null ? EMPTY : parse(ByteBuffer.wrap(v));
    }

    @Override
    public String toString() {
        return "Attributes" + values.keySet();
    }
}
