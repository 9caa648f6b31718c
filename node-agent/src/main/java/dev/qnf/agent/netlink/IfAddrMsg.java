package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;

/** {@code struct ifaddrmsg} (linux/if_addr.h): u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index. */
public record IfAddrMsg(int family, int prefixLength, int flags, int scope, int index) implements FamilyHeader {
    public static final int SIZE = 8;

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public void writeTo(ByteBuffer out) {
        out.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
    }

    public static IfAddrMsg read(ByteBuffer in) {
        return new IfAddrMsg(in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.getInt());
    }
}
