package dev.qnf.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The smallest DNS server that lets a test check a container's resolver: UDP, one question per query, {@code A}
 * records from a fixed map (authoritative, TTL 5), an empty answer for other types of a known name, NXDOMAIN
 * otherwise. It exists to prove that the busybox root file system resolves names through its resolv.conf (search
 * list included) with both {@code nslookup} and the C library ({@code ping name}), apart from any QNF code.
 */
final class StubDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, InetAddress> records;
    private final Thread thread;

    private StubDns(DatagramSocket socket, Map<String, InetAddress> records) {
        this.socket = socket;
        this.records = records;
        this.thread = new Thread(this::serve, "stub-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Serves {@code records} (lower-case fully qualified names without the final dot) on {@code address}:53. */
    static StubDns start(String address, Map<String, String> records) {
        try {
            Map<String, InetAddress> parsed = new HashMap<>();
            for (Map.Entry<String, String> e : records.entrySet()) {
                parsed.put(e.getKey(), InetAddress.getByName(e.getValue()));
            }
            return new StubDns(new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 53)),
                    Map.copyOf(parsed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(query);
                byte[] answer = answer(ByteBuffer.wrap(query.getData(), 0, query.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException | RuntimeException malformed) {
                // a stub: drop what it does not understand
            }
        }
    }

    private byte[] answer(ByteBuffer q) {
        int id = q.getShort() & 0xffff;
        int flags = q.getShort() & 0xffff;
        if ((flags & 0x8000) != 0 || (q.getShort() & 0xffff) != 1) {
            return null;
        }
        q.position(12);
        StringBuilder name = new StringBuilder();
        for (int len = q.get() & 0xff; len != 0; len = q.get() & 0xff) {
            byte[] label = new byte[len];
            q.get(label);
            name.append(name.length() == 0 ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
        }
        int type = q.getShort() & 0xffff;
        q.getShort();
        int questionEnd = q.position();
        InetAddress address = records.get(name.toString().toLowerCase(Locale.ROOT));
        boolean a = address != null && type == 1;
        ByteBuffer r = ByteBuffer.allocate(questionEnd + (a ? 16 : 0));
        r.putShort((short) id);
        r.putShort((short) (0x8400 | (flags & 0x0100) | (address == null ? 3 : 0)));   // QR AA, RD echoed, NXDOMAIN
        r.putShort((short) 1).putShort((short) (a ? 1 : 0)).putShort((short) 0).putShort((short) 0);
        r.put(q.array(), q.arrayOffset() + 12, questionEnd - 12);
        if (a) {
            r.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(5).putShort((short) 4);
            r.put(address.getAddress());
        }
        return r.array();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
