package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.qnf.agent.netlink.NetlinkConstants.NLMSGERR_ATTR_MSG;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSGERR_ATTR_OFFS;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_DONE;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_ERROR;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_NOOP;
import static dev.qnf.agent.netlink.NetlinkConstants.NLMSG_OVERRUN;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_ACK_TLVS;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_CAPPED;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_DUMP_INTR;

/**
 * The receive side of one exchange, without I/O: fed the messages of each datagram, it keeps the replies to its
 * sequence number, skips stale ones (left by an earlier exchange that failed half way), and says when the exchange
 * is over: the ACK (or error) of a request, NLMSG_DONE (or an error) of a dump.
 */
final class ReplyCollector {
    private final int seq;
    private final boolean dump;
    private final String operation;
    private final List<NetlinkMessage> replies = new ArrayList<>();
    private boolean interrupted;

    ReplyCollector(int seq, boolean dump, String operation) {
        this.seq = seq;
        this.dump = dump;
        this.operation = operation;
    }

    /** Consumes one datagram's messages; true when the exchange is complete. Throws the kernel's error. */
    boolean accept(List<NetlinkMessage> messages) {
        for (NetlinkMessage m : messages) {
            if (m.seq() != seq) {
                continue;
            }
            if ((m.flags() & NLM_F_DUMP_INTR) != 0) {
                interrupted = true;
            }
            switch (m.type()) {
                case NLMSG_NOOP -> {
                }
                case NLMSG_OVERRUN -> throw new NetlinkException(operation, Errno.ENOBUFS, "netlink overrun");
                case NLMSG_ERROR -> {
                    NetlinkException error = error(m, operation);
                    if (error != null) {
                        throw error;
                    }
                    return true;
                }
                case NLMSG_DONE -> {
                    NetlinkException error = done(m, operation);
                    if (error != null) {
                        throw error;
                    }
                    return true;
                }
                default -> replies.add(m);
            }
        }
        return false;
    }

    List<NetlinkMessage> replies() {
        return List.copyOf(replies);
    }

    /** A dump whose messages carried NLM_F_DUMP_INTR: the table changed while it was read; read it again. */
    boolean interrupted() {
        return dump && interrupted;
    }

    /**
     * Decodes {@code struct nlmsgerr} (int error; the request's nlmsghdr, with its payload unless NLM_F_CAPPED;
     * then extended-ack TLVs if NLM_F_ACK_TLVS). Returns null for an ACK (error 0).
     */
    static NetlinkException error(NetlinkMessage m, String operation) {
        ByteBuffer in = m.body();
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("NLMSG_ERROR of " + in.remaining() + " bytes");
        }
        int error = in.getInt();
        if (error == 0) {
            return null;
        }
        int echoed = NLMSG_HDRLEN;
        if ((m.flags() & NLM_F_CAPPED) == 0 && in.remaining() >= 4) {
            echoed = NetlinkRequest.align(in.getInt(in.position()));
        }
        Attributes tlvs = Attributes.parse(ByteBuffer.allocate(0));
        if ((m.flags() & NLM_F_ACK_TLVS) != 0 && in.position() + echoed <= in.limit()) {
            tlvs = Attributes.parse(in.position(in.position() + echoed));
        }
        return exception(operation, -error, tlvs);
    }

    /** NLMSG_DONE carries an int (0, or a negative errno when the dump failed) and optional TLVs after it. */
    static NetlinkException done(NetlinkMessage m, String operation) {
        ByteBuffer in = m.body();
        if (in.remaining() < 4) {
            return null;
        }
        int error = in.getInt();
        if (error >= 0) {
            return null;
        }
        Attributes tlvs = (m.flags() & NLM_F_ACK_TLVS) != 0
                ? Attributes.parse(in) : Attributes.parse(ByteBuffer.allocate(0));
        return exception(operation, -error, tlvs);
    }

    private static NetlinkException exception(String operation, int errno, Attributes tlvs) {
        return new NetlinkException(operation, errno, tlvs.string(NLMSGERR_ATTR_MSG).orElse(null),
                tlvs.u32(NLMSGERR_ATTR_OFFS, -1));
    }
}
