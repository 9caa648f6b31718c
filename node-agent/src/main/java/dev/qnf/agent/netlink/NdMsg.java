package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;

/**
 * {@code struct ndmsg} (linux/neighbour.h): u8 family, pad1; u16 pad2; s32 ifindex; u16 state; u8 flags, type.
 */
public record NdMsg(int family, int index, int state, int flags, int type) implements FamilyHeader {
    public static final int SIZE = 12;

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public void writeTo(ByteBuffer out) {
        out.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putShort((short) state)
                .put((byte) flags).put((byte) type);
    }

    public static NdMsg read(ByteBuffer in) {
        int family = in.get() & 0xff;
        in.get();
        in.getShort();
        int index = in.getInt();
        int state = in.getShort() & 0xffff;
        return new NdMsg(family, index, state, in.get() & 0xff, in.get() & 0xff);
    }
}
