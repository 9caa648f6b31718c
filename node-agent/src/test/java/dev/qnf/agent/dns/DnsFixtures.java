package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.IpAddress;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Network "blue" (10.89.0.0/24, fd89::/64) with: two replicas named "web" (one dual-stack) publishing _http._tcp on
 * 8080, "db" (IPv4 only, named by its id), and an endpoint whose 64-character container id is no DNS label.
 * Plus a tiny DNS client for the socket tests.
 */
final class DnsFixtures {
    static final Network BLUE = Network.spec("blue", "10.89.0.0/24", "fd89::/64", null, null, null, null, null,
            null, null, null);
    static final Endpoint WEB_1 = endpoint("c1", "10.89.0.10", "fd89::10",
            Map.of("name", "web", "srv.qnf.dev/http.tcp", "8080"));
    static final Endpoint WEB_2 = endpoint("c2", "10.89.0.12", null,
            Map.of("name", "Web", "srv.qnf.dev/http.tcp", "8080"));
    static final Endpoint DB = endpoint("db", "10.89.0.11", null, Map.of());
    static final Endpoint UNNAMED = endpoint("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "10.89.0.13", null, Map.of());

    private DnsFixtures() {
    }

    static Endpoint endpoint(String id, String ip, String ip6, Map<String, String> labels) {
        return new Endpoint("blue", id, "node-1", ip == null ? null : IpAddress.parse(ip),
                ip6 == null ? null : IpAddress.parse(ip6), null, null, null, labels);
    }

    static DnsRecords.Builder blue() {
        return DnsRecords.builder("blue").serial(7).network(BLUE).endpoints(List.of(WEB_1, WEB_2, DB, UNNAMED));
    }

    static DnsRecords records() {
        return blue().alias("www", "web").build();
    }

    static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A recursive query with id 4242. */
    static Message query(String name, int type) {
        Message q = Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
        q.getHeader().setID(4242);
        return q;
    }

    static Message withEdns(Message q, int payload) {
        q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        return q;
    }

    static Message udp(InetSocketAddress server, Message query) throws IOException {
        byte[] reply = udpRaw(server, query.toWire(), 3000);
        if (reply == null) {
            throw new AssertionError("no reply from " + server + " within 3 s");
        }
        return new Message(reply);
    }

    /** Sends raw bytes; returns the reply's bytes, or null if none came within {@code timeoutMs}. */
    static byte[] udpRaw(InetSocketAddress server, byte[] packet, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            s.send(new DatagramPacket(packet, packet.length, server));
            byte[] buf = new byte[65535];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            try {
                s.receive(reply);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOf(buf, reply.getLength());
        }
    }

    static Message tcp(InetSocketAddress server, Message query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 3000);
            s.setSoTimeout(5000);
            byte[] wire = query.toWire();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return new Message(reply);
        }
    }

    static boolean truncated(Message m) {
        return m.getHeader().getFlag(Flags.TC);
    }

    /** The rdata of the answer section as text, e.g. "10.89.0.10", "fd89::10". */
    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(DnsFixtures::text).toList();
    }

    /** Record data as text, IPv6 addresses in RFC 5952 form (dnsjava prints them uncompressed). */
    static String text(Record r) {
        if (r instanceof AAAARecord a) {
            return IpAddress.parse(a.getAddress().getHostAddress()).toString();
        }
        return r.rdataToString();
    }
}
