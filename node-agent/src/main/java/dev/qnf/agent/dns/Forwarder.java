package dev.qnf.agent.dns;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Asks upstream resolvers, in order, for {@code attempts} passes over the list, all within {@code queryTimeout}.
 * Each attempt uses a fresh socket (random source port) and a fresh random id, accepts only a reply with that id and
 * the same question, and retries over TCP when the UDP reply is truncated. A timeout, an unreachable upstream or an
 * answer of SERVFAIL, REFUSED, NOTIMP or FORMERR moves on to the next upstream. Blocking: callers run it on a worker.
 */
final class Forwarder {
    private static final int MAX_MESSAGE = 0xffff;

    private final List<InetSocketAddress> upstreams;
    private final long tryNanos;
    private final long queryNanos;
    private final int attempts;
    private final int payload;
    private final Random ids;
    private final DnsMetrics metrics;

    Forwarder(List<InetSocketAddress> upstreams, Duration tryTimeout, Duration queryTimeout, int attempts,
              int payload, Random ids, DnsMetrics metrics) {
        this.upstreams = List.copyOf(upstreams);
        this.tryNanos = tryTimeout.toNanos();
        this.queryNanos = queryTimeout.toNanos();
        this.attempts = attempts;
        this.payload = payload;
        this.ids = ids;
        this.metrics = metrics;
    }

    List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /**
     * The first usable upstream reply to {@code query} (its id and question are the upstream query's, not the
     * client's), or empty when none came in time. {@code tcp} skips UDP: the client already needed TCP.
     */
    Optional<Message> forward(Message query, boolean tcp) {
        long deadline = System.nanoTime() + queryNanos;
        for (int round = 0; round < attempts; round++) {
            for (InetSocketAddress upstream : upstreams) {
                if (deadline - System.nanoTime() <= 0) {
                    return Optional.empty();
                }
                try {
                    Message reply = exchange(upstream, query, tcp, deadline);
                    int rcode = reply.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                        return Optional.of(reply);
                    }
                    metrics.upstreamFailure(upstream, Rcode.string(rcode));
                } catch (SocketTimeoutException e) {
                    metrics.upstreamFailure(upstream, "timeout");
                } catch (IOException e) {
                    metrics.upstreamFailure(upstream, e.getClass().getSimpleName());
                }
            }
        }
        return Optional.empty();
    }

    private Message exchange(InetSocketAddress upstream, Message query, boolean tcp, long deadline)
            throws IOException {
        if (!tcp) {
            Message reply = udp(upstream, upstreamQuery(query), attemptDeadline(deadline));
            if (!reply.getHeader().getFlag(Flags.TC)) {
                return reply;
            }
        }
        return tcp(upstream, upstreamQuery(query), attemptDeadline(deadline));
    }

    private long attemptDeadline(long queryDeadline) {
        long now = System.nanoTime();
        return now + Math.min(tryNanos, Math.max(0, queryDeadline - now));
    }

    /** The client's question and RD/CD/AD bits under a new id, with our EDNS0 payload and the client's DO bit. */
    private Message upstreamQuery(Message client) {
        Message q = new Message(ids.nextInt(0x10000));
        q.getHeader().setOpcode(Opcode.QUERY);
        for (int flag : new int[]{Flags.RD, Flags.CD, Flags.AD}) {
            if (client.getHeader().getFlag(flag)) {
                q.getHeader().setFlag(flag);
            }
        }
        q.addRecord(client.getQuestion(), Section.QUESTION);
        OPTRecord opt = client.getOPT();
        int flags = opt == null ? 0 : opt.getFlags() & ExtendedFlags.DO;
        q.addRecord(new OPTRecord(payload, 0, 0, flags), Section.ADDITIONAL);
        return q;
    }

    private static Message udp(InetSocketAddress upstream, Message query, long deadline) throws IOException {
        byte[] wire = query.toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(upstream);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[MAX_MESSAGE];
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline));
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                Message reply = parse(Arrays.copyOf(buf, packet.getLength()));
                if (reply != null && answers(query, reply)) {
                    return reply;
                }
                // a stray or spoofed datagram: keep waiting for ours until the deadline
            }
        }
    }

    private static Message tcp(InetSocketAddress upstream, Message query, long deadline) throws IOException {
        byte[] wire = query.toWire();
        try (Socket socket = new Socket()) {
            socket.connect(upstream, remainingMillis(deadline));
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            socket.setSoTimeout(remainingMillis(deadline));
            byte[] buf = new byte[in.readUnsignedShort()];
            socket.setSoTimeout(remainingMillis(deadline));
            in.readFully(buf);
            Message reply = parse(buf);
            if (reply == null || !answers(query, reply)) {
                throw new IOException("upstream " + upstream + " sent a reply that does not match the query");
            }
            return reply;
        }
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Same id, a response, and the same question (an error reply may carry none). */
    private static boolean answers(Message query, Message reply) {
        if (reply.getHeader().getID() != query.getHeader().getID() || !reply.getHeader().getFlag(Flags.QR)) {
            return false;
        }
        Record q = query.getQuestion();
        Record r = reply.getQuestion();
        if (r == null) {
            return reply.getRcode() != Rcode.NOERROR && reply.getRcode() != Rcode.NXDOMAIN;
        }
        return r.getName().equals(q.getName()) && r.getType() == q.getType() && r.getDClass() == q.getDClass();
    }
}
