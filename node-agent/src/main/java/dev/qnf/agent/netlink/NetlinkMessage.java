package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_HDRLEN;

/**
 * One received netlink message: the {@code nlmsghdr} fields and a private copy of the payload (the bytes after the
 * header), so it outlives the socket's receive buffer.
 */
public record NetlinkMessage(int type, int flags, int seq, int pid, byte[] payload) {

    /**
     * Splits a datagram (position to limit) into its messages. A datagram can carry many messages, each padded to
     * NLMSG_ALIGN; a length that runs past the datagram is a protocol error, never silently truncated.
     */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer in = datagram.slice().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        while (in.remaining() >= NLMSG_HDRLEN) {
            int start = in.position();
            int length = in.getInt();
            if (length < NLMSG_HDRLEN || length > in.limit() - start) {
                throw new IllegalArgumentException("malformed netlink message at offset " + start + ": length "
                        + Integer.toUnsignedString(length) + ", " + (in.limit() - start) + " bytes left");
            }
            int type = in.getShort() & 0xffff;
            int flags = in.getShort() & 0xffff;
            int seq = in.getInt();
            int pid = in.getInt();
            byte[] payload = new byte[length - NLMSG_HDRLEN];
            in.get(payload);
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            in.position(Math.min(in.limit(), start + NetlinkRequest.align(length)));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing " + in.remaining() + " bytes after the last netlink message");
        }
        return out;
    }

    /** A copy of the payload (the bytes after nlmsghdr). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as a read-only native-order buffer at position 0. */
    public ByteBuffer body() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** The attributes after a family header of {@code headerSize} bytes (aligned). */
    public Attributes attributes(int headerSize) {
        int offset = NetlinkRequest.align(headerSize);
        if (offset > payload.length) {
            throw new IllegalArgumentException(NetlinkConstants.messageTypeName(type) + " payload of "
                    + payload.length + " bytes is shorter than its " + headerSize + "-byte header");
        }
        return Attributes.parse(body().position(offset));
    }

    public IfInfoMsg ifInfoMsg() {
        requireLength(IfInfoMsg.SIZE);
        return IfInfoMsg.read(body());
    }

    public IfAddrMsg ifAddrMsg() {
        requireLength(IfAddrMsg.SIZE);
        return IfAddrMsg.read(body());
    }

    public RtMsg rtMsg() {
        requireLength(RtMsg.SIZE);
        return RtMsg.read(body());
    }

    public NdMsg ndMsg() {
        requireLength(NdMsg.SIZE);
        return NdMsg.read(body());
    }

    private void requireLength(int size) {
        if (payload.length < size) {
            throw new IllegalArgumentException(NetlinkConstants.messageTypeName(type) + " payload of "
                    + payload.length + " bytes is shorter than its " + size + "-byte header");
        }
    }

    @Override
    public String toString() {
        return NetlinkConstants.messageTypeName(type) + "{flags=0x" + Integer.toHexString(flags) + ", seq=" + seq
                + ", " + payload.length + " bytes}";
    }
}
