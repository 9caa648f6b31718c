package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;

/**
 * {@code struct rtmsg} (linux/rtnetlink.h): u8 family, dst_len, src_len, tos, table, protocol, scope, type;
 * u32 flags.
 */
public record RtMsg(int family, int dstLength, int srcLength, int tos, int table, int protocol, int scope, int type,
                    int flags) implements FamilyHeader {
    public static final int SIZE = 12;

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public void writeTo(ByteBuffer out) {
        out.put((byte) family).put((byte) dstLength).put((byte) srcLength).put((byte) tos).put((byte) table)
                .put((byte) protocol).put((byte) scope).put((byte) type).putInt(flags);
    }

    public static RtMsg read(ByteBuffer in) {
        return new RtMsg(in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff,
                in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.getInt());
    }
}
