package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;

/**
 * {@code struct ifinfomsg} (linux/rtnetlink.h): u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
 * {@code change} is the mask of {@code flags} bits a request means to change.
 */
public record IfInfoMsg(int family, int type, int index, int flags, int change) implements FamilyHeader {
    public static final int SIZE = 16;

    /** An all-zero header: "no index, change nothing", as used for lookups by name and for creation. */
    public static final IfInfoMsg EMPTY = new IfInfoMsg(0, 0, 0, 0, 0);

    public static IfInfoMsg forIndex(int index) {
        return new IfInfoMsg(NetlinkConstants.AF_UNSPEC, 0, index, 0, 0);
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public void writeTo(ByteBuffer out) {
        out.put((byte) family).put((byte) 0).putShort((short) type).putInt(index).putInt(flags).putInt(change);
    }

    public static IfInfoMsg read(ByteBuffer in) {
        int family = in.get() & 0xff;
        in.get();
        int type = in.getShort() & 0xffff;
        return new IfInfoMsg(family, type, in.getInt(), in.getInt(), in.getInt());
    }
}
