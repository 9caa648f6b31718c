package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.LibC;
import dev.qnf.agent.sys.SysException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.qnf.agent.netlink.NetlinkConstants.MSG_PEEK;
import static dev.qnf.agent.netlink.NetlinkConstants.MSG_TRUNC;
import static dev.qnf.agent.netlink.NetlinkConstants.NETLINK_CAP_ACK;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_ACK;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_DUMP;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_REQUEST;
import static dev.qnf.agent.netlink.NetlinkConstants.SO_RCVTIMEO;

/**
 * A netlink socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC) opened in the network namespace of the calling thread.
 * The socket stays in that namespace for good, whichever thread uses it afterwards: open it inside
 * {@code NetNs.run} and it programs that namespace from anywhere.
 *
 * <p>Options: NETLINK_EXT_ACK (errors carry the kernel's text), NETLINK_CAP_ACK (errors do not echo the whole
 * request), NETLINK_GET_STRICT_CHK (the kernel validates dump requests and honours their filters), a 1 MiB receive
 * buffer and a receive timeout, so a kernel that never answers is an error rather than a hung agent. The option
 * calls are best effort: an old kernel without them still works, with plainer errors.
 *
 * <p>One exchange at a time (methods are synchronized); each request gets the next sequence number and replies to
 * older sequence numbers are skipped.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 1 << 20;
    private static final int INITIAL_DATAGRAM = 64 * 1024;
    private static final int DEFAULT_TIMEOUT_SECONDS = 30;
    private static final int DUMP_ATTEMPTS = 5;

    private final LibC libc;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ByteBuffer datagram = ByteBuffer.allocateDirect(INITIAL_DATAGRAM).order(ByteOrder.nativeOrder());
    private ByteBuffer send = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    private int seq;

    private NetlinkSocket(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** A NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static NetlinkSocket openRoute() {
        return open(LibC.NETLINK_ROUTE, DEFAULT_TIMEOUT_SECONDS);
    }

    /** A socket of the given netlink protocol in the calling thread's network namespace. */
    public static NetlinkSocket open(int protocol, int timeoutSeconds) {
        LibC libc = LibC.INSTANCE;
        int fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new SysException("socket(AF_NETLINK, " + protocol + ")", LibC.errno());
        }
        NetlinkSocket socket = new NetlinkSocket(libc, fd);
        try {
            socket.configure(timeoutSeconds);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    private void configure(int timeoutSeconds) {
        // struct sockaddr_nl { u16 nl_family; u16 nl_pad; u32 nl_pid; u32 nl_groups; }: pid 0 lets the kernel pick
        ByteBuffer addr = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
        addr.putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(0).flip();
        if (libc.bind(fd, addr, 12) != 0) {
            throw new SysException("bind(AF_NETLINK)", LibC.errno());
        }
        setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, RECEIVE_BUFFER);
        setInt(LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, 1);
        setInt(LibC.SOL_NETLINK, NETLINK_CAP_ACK, 1);
        setInt(LibC.SOL_NETLINK, LibC.NETLINK_GET_STRICT_CHK, 1);
        // struct timeval { long tv_sec; long tv_usec; } (64-bit)
        ByteBuffer timeout = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        timeout.putLong(timeoutSeconds).putLong(0).flip();
        libc.setsockopt(fd, LibC.SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
    }

    private boolean setInt(int level, int option, int value) {
        ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        v.putInt(value).flip();
        return libc.setsockopt(fd, level, option, v, 4) == 0;
    }

    /**
     * Sends {@code request} with NLM_F_REQUEST | NLM_F_ACK and reads until its ACK. Returns the messages that came
     * before the ACK (a GET by name answers with one; a change answers with none).
     *
     * @throws NetlinkException with the errno and the kernel's extended-ack text when the kernel refuses
     */
    public synchronized List<NetlinkMessage> request(NetlinkRequest request) {
        ReplyCollector replies = exchange(request, NLM_F_REQUEST | NLM_F_ACK, false);
        return replies.replies();
    }

    /**
     * Sends {@code request} with NLM_F_REQUEST | NLM_F_DUMP and reads the multipart answer until NLMSG_DONE. If the
     * kernel flags the dump as interrupted (the table changed while it was read), reads it again.
     */
    public synchronized List<NetlinkMessage> dump(NetlinkRequest request) {
        for (int attempt = 1; ; attempt++) {
            ReplyCollector replies = exchange(request, NLM_F_REQUEST | NLM_F_DUMP, true);
            if (!replies.interrupted()) {
                return replies.replies();
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(request.description(), Errno.EINTR,
                        "dump interrupted by concurrent changes " + DUMP_ATTEMPTS + " times");
            }
        }
    }

    private ReplyCollector exchange(NetlinkRequest request, int flags, boolean dump) {
        if (closed.get()) {
            throw new IllegalStateException("netlink socket is closed");
        }
        seq++;
        ReplyCollector collector = new ReplyCollector(seq, dump, request.description());
        sendAll(request.encode(seq, flags), request.description());
        while (!collector.accept(NetlinkMessage.parseAll(receive(request.description())))) {
            // keep reading: multipart dumps and requests answered before their ACK span several datagrams
        }
        return collector;
    }

    private void sendAll(byte[] bytes, String operation) {
        if (send.capacity() < bytes.length) {
            send = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        }
        send.clear();
        send.put(bytes).flip();
        while (true) {
            long n = libc.send(fd, send, bytes.length, 0);
            if (n == bytes.length) {
                return;
            }
            int errno = LibC.errno();
            if (n < 0 && errno == Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                throw new SysException("send " + operation, errno);
            }
            throw new IllegalStateException("short netlink send: " + n + " of " + bytes.length + " bytes");
        }
    }

    /** One datagram; peeks at its size first so a large one grows the buffer instead of being truncated. */
    private ByteBuffer receive(String operation) {
        long size = recv(MSG_PEEK | MSG_TRUNC, operation);
        if (size > datagram.capacity()) {
            datagram = ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
        }
        long n = recv(0, operation);
        datagram.clear();
        datagram.limit((int) n);
        return datagram;
    }

    private long recv(int flags, String operation) {
        while (true) {
            datagram.clear();
            long n = libc.recv(fd, datagram, datagram.capacity(), flags);
            if (n >= 0) {
                return n;
            }
            int errno = LibC.errno();
            if (errno == Errno.EINTR) {
                continue;
            }
            if (errno == Errno.EAGAIN) {
                throw new NetlinkException(operation, errno, "no answer from the kernel before the socket timeout");
            }
            throw new SysException("recv " + operation, errno);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            libc.close(fd);
        }
    }
}
