package dev.qnf.mesh.genl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one netlink message: the 16-byte {@code nlmsghdr}, a 4-byte {@code genlmsghdr}, then attributes padded to
 * 4 bytes, nests carrying NLA_F_NESTED as libmnl's {@code mnl_attr_nest_start} sets it. Host byte order, as netlink
 * wants; endpoint ports and addresses are already in network order inside their sockaddr.
 */
final class NlaWriter {
    static final int NLA_F_NESTED = 0x8000;
    private ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

    NlaWriter(int type, int flags, int seq, int cmd, int version) {
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        buf.put((byte) cmd).put((byte) version).putShort((short) 0);
    }

    NlaWriter bytes(int type, byte[] value) {
        ensure(4 + value.length + 3);
        buf.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        pad();
        return this;
    }

    NlaWriter string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return bytes(type, Arrays.copyOf(s, s.length + 1));
    }

    NlaWriter u8(int type, int value) {
        return bytes(type, new byte[]{(byte) value});
    }

    NlaWriter u16(int type, int value) {
        return bytes(type, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    NlaWriter u32(int type, int value) {
        return bytes(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** Starts a nest and returns its offset, for {@link #end}. */
    int begin(int type) {
        ensure(4);
        int at = buf.position();
        buf.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return at;
    }

    void end(int at) {
        buf.putShort(at, (short) (buf.position() - at));
    }

    byte[] finish() {
        buf.putInt(0, buf.position());
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private void pad() {
        while (buf.position() % 4 != 0) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }
}
