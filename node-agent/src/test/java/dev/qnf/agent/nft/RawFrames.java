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
        ByteBuffer icmp = ByteBuffer.allocate(32);
        icmp.put((byte) 136).put((byte) 0).putShort((short) 0); // type, code, checksum (below)
        icmp.putInt(0x20000000); // override, not solicited, not router
        icmp.put(addr(claimedIp));
        icmp.put((byte) 2).put((byte) 1).put(mac(senderMac)); // option: target link-layer address
        byte[] payload = icmp.array();
        IpAddress src = IpAddress.parse(source);
        int sum = checksum(src, ALL_NODES, payload);
        payload[2] = (byte) (sum >> 8);
        payload[3] = (byte) sum;
        ByteBuffer f = ByteBuffer.allocate(14 + 40 + payload.length);
        f.put(mac(ALL_NODES_MAC)).put(mac(senderMac)).putShort(ETH_P_IPV6);
        f.putInt(0x60000000).putShort((short) payload.length).put((byte) 58).put((byte) 255);
        f.put(bytes(src)).put(bytes(ALL_NODES)).put(payload);
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

    /** The ICMPv6 checksum over the pseudo-header (RFC 8200 8.1). */
    private static int checksum(IpAddress src, IpAddress dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put(bytes(src)).put(bytes(dst)).putInt(payload.length).putInt(58).put(payload);
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
