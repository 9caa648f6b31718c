package dev.qnf.agent.dns;

import dev.qnf.concurrent.DaemonThreads;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;

/** A scriptable upstream resolver on 127.0.0.1, UDP and TCP on one port. */
final class FakeUpstream implements AutoCloseable {
    enum Mode {
        /** Answer every query. */
        ANSWER,
        /** Over UDP answer with TC and no records; over TCP answer fully. */
        TRUNCATE_UDP,
        /** Never answer. */
        SILENT,
        /** Answer SERVFAIL. */
        SERVFAIL,
        /** Over UDP first send a reply with the wrong id, then the right one. */
        WRONG_ID_FIRST
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Function<Record, List<Record>> answers;
    private volatile Mode mode = Mode.ANSWER;
    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();
    volatile Message lastQuery;

    private FakeUpstream(DatagramSocket udp, ServerSocket tcp, Function<Record, List<Record>> answers) {
        this.udp = udp;
        this.tcp = tcp;
        this.answers = answers;
        DaemonThreads.start("fake-upstream", this::udpLoop);
        DaemonThreads.start("fake-upstream", this::tcpLoop);
    }

    static FakeUpstream start(Function<Record, List<Record>> answers) throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        for (int i = 0; ; i++) {
            DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0));
            ServerSocket t = new ServerSocket();
            try {
                t.bind(new InetSocketAddress(lo, u.getLocalPort()));
                return new FakeUpstream(u, t, answers);
            } catch (BindException e) {
                u.close();
                t.close();
                if (i > 20) {
                    throw e;
                }
            }
        }
    }

    FakeUpstream mode(Mode m) {
        this.mode = m;
        return this;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    private void udpLoop() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message q = new Message(Arrays.copyOf(buf, p.getLength()));
                udpQueries.incrementAndGet();
                lastQuery = q;
                Mode m = mode;
                if (m == Mode.SILENT) {
                    continue;
                }
                if (m == Mode.WRONG_ID_FIRST) {
                    Message wrong = reply(q, false);
                    wrong.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
                    wrong.removeAllRecords(Section.ANSWER);
                    send(p, wrong.toWire());
                }
                send(p, reply(q, m == Mode.TRUNCATE_UDP).toWire(65535));
            } catch (IOException e) {
                // closed, or junk
            }
        }
    }

    private void send(DatagramPacket to, byte[] wire) throws IOException {
        udp.send(new DatagramPacket(wire, wire.length, to.getSocketAddress()));
    }

    private void tcpLoop() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message q = new Message(wire);
                tcpQueries.incrementAndGet();
                lastQuery = q;
                if (mode == Mode.SILENT) {
                    continue;
                }
                byte[] out = reply(q, false).toWire(65535);
                DataOutputStream o = new DataOutputStream(s.getOutputStream());
                o.writeShort(out.length);
                o.write(out);
                o.flush();
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    private Message reply(Message q, boolean truncate) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(q.getQuestion(), Section.QUESTION);
        if (mode == Mode.SERVFAIL) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (truncate) {
            r.getHeader().setFlag(Flags.TC);
        } else {
            List<Record> records = answers.apply(q.getQuestion());
            if (records.isEmpty()) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            records.forEach(rec -> r.addRecord(rec, Section.ANSWER));
        }
        if (q.getOPT() != null) {
            r.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        return r;
    }

    /** A port where nothing listens: queries to it bounce with ICMP port unreachable. */
    static InetSocketAddress closedPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return new InetSocketAddress(s.getLocalAddress(), s.getLocalPort());
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
