package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import static dev.qnf.agent.netlink.NetlinkConstants.NLA_HDRLEN;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_HDRLEN;

/**
 * One request message: {@code nlmsghdr} + family header + attributes, immutable. The sequence number and the
 * REQUEST/ACK/DUMP flags are filled in by {@link NetlinkSocket} when it is sent ({@link #encode}).
 *
 * <pre>{@code
 * NetlinkRequest.builder(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)
 *         .header(IfInfoMsg.EMPTY)
 *         .u32(IFLA_MTU, 1450)
 *         .string(IFLA_IFNAME, "br0")
 *         .nested(IFLA_LINKINFO, info -> info.unterminatedString(IFLA_INFO_KIND, "bridge"))
 *         .build();
 * }</pre>
 *
 * All integers are written in native byte order, as the kernel expects, except where a caller passes bytes that
 * are in network order already (addresses).
 */
public final class NetlinkRequest {
    private final int type;
    private final int flags;
    private final byte[] body;
    private final String description;

    private NetlinkRequest(int type, int flags, byte[] body, String description) {
        this.type = type;
        this.flags = flags;
        this.body = body;
        this.description = description;
    }

    public static Builder builder(int type, int flags) {
        return new Builder(type, flags);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    /** What the request does, for error messages ("create bridge br0 (RTM_NEWLINK)"). */
    public String description() {
        String name = NetlinkConstants.messageTypeName(type);
        return description == null ? name : description + " (" + name + ")";
    }

    /** The bytes after {@code nlmsghdr}. */
    public byte[] body() {
        return body.clone();
    }

    /** The wire bytes: nlmsghdr with this request's flags or'ed with {@code extraFlags}, then the body. */
    public byte[] encode(int seq, int extraFlags) {
        ByteBuffer out = ByteBuffer.allocate(NLMSG_HDRLEN + body.length).order(ByteOrder.nativeOrder());
        out.putInt(NLMSG_HDRLEN + body.length).putShort((short) type).putShort((short) (flags | extraFlags))
                .putInt(seq).putInt(0).put(body);
        return out.array();
    }

    static int align(int length) {
        return (length + NetlinkConstants.NLMSG_ALIGNTO - 1) & ~(NetlinkConstants.NLMSG_ALIGNTO - 1);
    }

    /** Writes a family header and attributes; nested attributes get their own scope through a callback. */
    public static final class Builder {
        private final int type;
        private final int flags;
        private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        private String description;

        private Builder(int type, int flags) {
            this.type = type;
            this.flags = flags;
        }

        /** Writes a family header (at the start, or inside a nested attribute such as VETH_INFO_PEER). */
        public Builder header(FamilyHeader header) {
            ensure(align(header.size()));
            int start = buf.position();
            header.writeTo(buf);
            if (buf.position() - start != header.size()) {
                throw new IllegalStateException(header + " wrote " + (buf.position() - start) + " bytes, not "
                        + header.size());
            }
            pad();
            return this;
        }

        public Builder bytes(int attrType, byte[] value) {
            if (NLA_HDRLEN + value.length > 0xffff) {
                throw new IllegalArgumentException("attribute " + attrType + " is " + value.length + " bytes");
            }
            ensure(align(NLA_HDRLEN + value.length));
            buf.putShort((short) (NLA_HDRLEN + value.length)).putShort((short) attrType).put(value);
            pad();
            return this;
        }

        /** A NUL-terminated string, as IFLA_IFNAME and IFLA_INFO_KIND are. */
        public Builder string(int attrType, String value) {
            byte[] text = value.getBytes(StandardCharsets.UTF_8);
            return bytes(attrType, Arrays.copyOf(text, text.length + 1));
        }

        /** A string without terminator, as iproute2 and vishvananda/netlink send IFLA_INFO_KIND. */
        public Builder unterminatedString(int attrType, String value) {
            return bytes(attrType, value.getBytes(StandardCharsets.UTF_8));
        }

        public Builder u8(int attrType, int value) {
            return bytes(attrType, new byte[]{(byte) value});
        }

        public Builder u32(int attrType, int value) {
            return bytes(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
        }

        /** An attribute whose payload is the attributes (or header and attributes) written by {@code content}. */
        public Builder nested(int attrType, Consumer<Builder> content) {
            ensure(NLA_HDRLEN);
            int start = buf.position();
            buf.putShort((short) 0).putShort((short) attrType);
            content.accept(this);
            int length = buf.position() - start;
            if (length > 0xffff) {
                throw new IllegalArgumentException("nested attribute " + attrType + " is " + length + " bytes");
            }
            buf.putShort(start, (short) length);
            return this;
        }

        /** Human text for errors, e.g. "create bridge br0". */
        public Builder describe(String what) {
            this.description = what;
            return this;
        }

        public NetlinkRequest build() {
            return new NetlinkRequest(type, flags, Arrays.copyOf(buf.array(), buf.position()), description);
        }

        private void pad() {
            int aligned = align(buf.position());
            while (buf.position() < aligned) {
                buf.put((byte) 0);
            }
        }

        private void ensure(int more) {
            if (buf.remaining() < more + NetlinkConstants.NLMSG_ALIGNTO) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
                        .order(ByteOrder.nativeOrder());
                bigger.put(buf.array(), 0, buf.position());
                buf = bigger;
            }
        }
    }
}
