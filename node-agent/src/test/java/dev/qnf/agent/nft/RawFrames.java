package dev.qnf.agent.nft;

import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.netlink.Rtnetlink;
import dev.qnf.agent.sys.LibC;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.net.IpAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Hand-made Ethernet frames sent from inside a namespace through a packet socket (libc over jnr-ffi, as the agent's
 * netlink sockets): what a compromised container would send to lie about who holds an address. Test code only.
 */
final class RawFrames {
    private static final int AF_PACKET = 17;
    private static final short ETH_P_ARP = 0x0806;
    private static final short ETH_P_IPV6 = (short) 0x86dd;
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final String ALL_NODES_MAC = "33:33:00:00:00:01";
    private static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");

    private RawFrames() {
    }

    /**
     * An ARP reply to {@code targetMac}/{@code targetIp}, sent from {@code senderMac} (the frame's source too),
     * claiming that {@code claimedIp} is at {@code senderMac}; and the same claim as a broadcast gratuitous request.
     */
    static void arpClaim(NetNs from, String ifname, String senderMac, String claimedIp, String targetMac, String targetIp) {
        send(from, ifname, arp(2, senderMac, claimedIp, targetMac, targetMac, targetIp));
        send(from, ifname, arp(1, senderMac, claimedIp, BROADCAST, "00:00:00:00:00:00", claimedIp));
    }

    /**
     * An unsolicited neighbour advertisement to all nodes, from {@code source}, with the override flag: "{@code
     * claimedIp} is at {@code senderMac}" (RFC 4861 4.4, with a target link-layer address option).
     */
    static void naClaim(NetNs from, String ifname, String senderMac, String source, String claimedIp) {
        icmp6(from, ifname, senderMac, ALL_NODES_MAC, source, ALL_NODES.toString(),
                neighborAdvert(claimedIp, linkLayerOption(TARGET_LL, senderMac)));
    }

    /**
     * An ICMPv6 message (its checksum is filled in here) in an IPv6 packet from {@code source} to {@code
     * destination} with hop limit 255, as neighbour discovery wants, in a frame from {@code srcMac} to {@code dstMac}.
     */
    static void icmp6(NetNs from, String ifname, String srcMac, String dstMac, String source, String destination,
                      byte[] icmp) {
        ipv6(from, ifname, srcMac, dstMac, source, destination, ICMPV6, icmp);
    }

    /** A UDP datagram of {@code data} to port {@code port} (from the same port), otherwise as {@link #icmp6}. */
    static void udp6(NetNs from, String ifname, String srcMac, String dstMac, String source, String destination,
                     int port, byte[] data) {
        ByteBuffer udp = ByteBuffer.allocate(8 + data.length);
        udp.putShort((short) port).putShort((short) port).putShort((short) (8 + data.length)).putShort((short) 0)
                .put(data);
        ipv6(from, ifname, srcMac, dstMac, source, destination, UDP, udp.array());
    }

    /** A neighbour advertisement (override flag) for {@code target}, with {@code options} (RFC 4861 4.4). */
    static byte[] neighborAdvert(String target, byte[]... options) {
        return neighborMessage(136, 0x20000000, target, options);
    }

    /** A neighbour solicitation for {@code target}, with {@code options} (RFC 4861 4.3). */
    static byte[] neighborSolicit(String target, byte[]... options) {
        return neighborMessage(135, 0, target, options);
    }

    /** A source (type 1) or target (type 2) link-layer address option naming {@code mac} (RFC 4861 4.6.1). */
    static byte[] linkLayerOption(int type, String mac) {
        return ByteBuffer.allocate(8).put((byte) type).put((byte) 1).put(mac(mac)).array();
    }

    /** A nonce option (RFC 3971 5.3.2, as enhanced DAD uses it, RFC 7527): a harmless first option. */
    static byte[] nonceOption() {
        return new byte[]{14, 1, 1, 2, 3, 4, 5, 6};
    }

    static final int SOURCE_LL = 1;
    static final int TARGET_LL = 2;
    private static final int ICMPV6 = 58;
    private static final int UDP = 17;

    private static byte[] neighborMessage(int type, int flags, String target, byte[]... options) {
        int length = 24;
        for (byte[] o : options) {
            length += o.length;
        }
        ByteBuffer icmp = ByteBuffer.allocate(length);
        icmp.put((byte) type).put((byte) 0).putShort((short) 0); // type, code, checksum (filled in when sent)
        icmp.putInt(flags);
        icmp.put(addr(target));
        for (byte[] o : options) {
            icmp.put(o);
        }
        return icmp.array();
    }

    /** Sends {@code payload} of protocol {@code next} (58 ICMPv6, 17 UDP), filling in its checksum. */
    private static void ipv6(NetNs from, String ifname, String srcMac, String dstMac, String source,
                             String destination, int next, byte[] payload) {
        IpAddress src = IpAddress.parse(source);
        IpAddress dst = IpAddress.parse(destination);
        byte[] p = payload.clone();
        int sum = checksum(src, dst, next, p);
        if (next == UDP && sum == 0) {
            sum = 0xffff; // a UDP checksum of 0 means "none", which IPv6 does not allow (RFC 8200 8.1)
        }
        int at = next == ICMPV6 ? 2 : 6;
        p[at] = (byte) (sum >> 8);
        p[at + 1] = (byte) sum;
        ByteBuffer f = ByteBuffer.allocate(14 + 40 + p.length);
        f.put(mac(dstMac)).put(mac(srcMac)).putShort(ETH_P_IPV6);
        f.putInt(0x60000000).putShort((short) p.length).put((byte) next).put((byte) (next == ICMPV6 ? 255 : 64));
        f.put(bytes(src)).put(bytes(dst)).put(p);
        send(from, ifname, f.array());
    }

    private static byte[] arp(int op, String senderMac, String senderIp, String dstMac, String targetMac,
                              String targetIp) {
        ByteBuffer f = ByteBuffer.allocate(42);
        f.put(mac(dstMac)).put(mac(senderMac)).putShort(ETH_P_ARP);
        f.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        f.put(mac(senderMac)).put(addr(senderIp)).put(mac(targetMac)).put(addr(targetIp));
        return f.array();
    }

    private static void send(NetNs from, String ifname, byte[] frame) {
        from.exec(() -> {
            int index;
            try (Rtnetlink c = Rtnetlink.open()) {
                index = c.link(ifname).map(Link::index).orElseThrow(() -> new IllegalStateException(ifname + " missing"));
            }
            LibC libc = LibC.INSTANCE;
            int fd = libc.socket(AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IllegalStateException("packet socket: " + LibC.describe(LibC.errno()));
            }
            try {
                ByteBuffer ll = ByteBuffer.allocateDirect(20).order(ByteOrder.nativeOrder());
                ll.putShort((short) AF_PACKET).putShort((short) 0).putInt(index);
                if (libc.bind(fd, ll.rewind(), 20) < 0) {
                    throw new IllegalStateException("bind to " + ifname + ": " + LibC.describe(LibC.errno()));
                }
                ByteBuffer buf = ByteBuffer.allocateDirect(frame.length).put(frame).rewind();
                if (libc.send(fd, buf, frame.length, 0) != frame.length) {
                    throw new IllegalStateException("send on " + ifname + ": " + LibC.describe(LibC.errno()));
                }
            } finally {
                libc.close(fd);
            }
        });
    }

    /** The ICMPv6 or UDP checksum over the pseudo-header (RFC 8200 8.1). */
    private static int checksum(IpAddress src, IpAddress dst, int next, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put(bytes(src)).put(bytes(dst)).putInt(payload.length).putInt(next).put(payload);
        byte[] all = b.array();
        long sum = 0;
        for (int i = 0; i < all.length; i += 2) {
            sum += ((all[i] & 0xff) << 8) | (i + 1 < all.length ? all[i + 1] & 0xff : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static byte[] addr(String ip) {
        return bytes(IpAddress.parse(ip));
    }

    /** The address in network order, 4 or 16 bytes. */
    private static byte[] bytes(IpAddress ip) {
        int len = ip.family() == 4 ? 4 : 16;
        byte[] raw = ip.value().toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return out;
    }

    private static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }
}
