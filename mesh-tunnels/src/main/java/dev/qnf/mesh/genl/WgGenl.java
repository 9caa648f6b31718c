package dev.qnf.mesh.genl;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.fabric.net.UdpEndpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Requests of the kernel WireGuard module's generic-netlink family ({@code include/uapi/linux/wireguard.h}): the
 * family lookup through the generic-netlink controller and WG_CMD_SET_DEVICE for one incremental update. Used when
 * the kernel has the module; the same {@link DeviceUpdate} goes to userspace devices as UAPI text. Never sets
 * WGDEVICE_F_REPLACE_PEERS. One message carries the whole update: callers with thousands of peer changes split
 * them (the kernel accepts messages up to the socket's buffer).
 */
public final class WgGenl {
    public static final String FAMILY_NAME = "wireguard";
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int WG_GENL_VERSION = 1;
    public static final int WG_CMD_GET_DEVICE = 0;
    public static final int WG_CMD_SET_DEVICE = 1;

    public static final int WGDEVICE_A_IFINDEX = 1;
    public static final int WGDEVICE_A_IFNAME = 2;
    public static final int WGDEVICE_A_PRIVATE_KEY = 3;
    public static final int WGDEVICE_A_PUBLIC_KEY = 4;
    public static final int WGDEVICE_A_FLAGS = 5;
    public static final int WGDEVICE_A_LISTEN_PORT = 6;
    public static final int WGDEVICE_A_FWMARK = 7;
    public static final int WGDEVICE_A_PEERS = 8;

    public static final int WGPEER_A_PUBLIC_KEY = 1;
    public static final int WGPEER_A_PRESHARED_KEY = 2;
    public static final int WGPEER_A_FLAGS = 3;
    public static final int WGPEER_A_ENDPOINT = 4;
    public static final int WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL = 5;
    public static final int WGPEER_A_ALLOWEDIPS = 9;
    public static final int WGPEER_F_REMOVE_ME = 1;
    public static final int WGPEER_F_REPLACE_ALLOWEDIPS = 2;

    public static final int WGALLOWEDIP_A_FAMILY = 1;
    public static final int WGALLOWEDIP_A_IPADDR = 2;
    public static final int WGALLOWEDIP_A_CIDR_MASK = 3;

    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private WgGenl() {
    }

    /** CTRL_CMD_GETFAMILY for "wireguard": the answer's CTRL_ATTR_FAMILY_ID is the family's message type. */
    public static byte[] getFamily(int seq) {
        return new NlaWriter(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY, 1)
                .string(CTRL_ATTR_FAMILY_NAME, FAMILY_NAME).finish();
    }

    /** WG_CMD_SET_DEVICE on {@code ifname} with the update's key, port and peer changes. */
    public static byte[] setDevice(int familyId, int seq, String ifname, DeviceUpdate update) {
        NlaWriter w = new NlaWriter(familyId, NLM_F_REQUEST | NLM_F_ACK, seq, WG_CMD_SET_DEVICE, WG_GENL_VERSION);
        w.string(WGDEVICE_A_IFNAME, ifname);
        if (update.privateKey() != null) {
            w.bytes(WGDEVICE_A_PRIVATE_KEY, update.privateKey().bytes());
        }
        if (update.listenPort() != null) {
            w.u16(WGDEVICE_A_LISTEN_PORT, update.listenPort());
        }
        if (!update.peers().isEmpty()) {
            int peers = w.begin(WGDEVICE_A_PEERS);
            int index = 0;
            for (DeviceUpdate.PeerChange change : update.peers()) {
                int peer = w.begin(index++);
                w.bytes(WGPEER_A_PUBLIC_KEY, change.publicKey().bytes());
                if (change instanceof DeviceUpdate.Upsert u) {
                    peerAttributes(w, u);
                } else {
                    w.u32(WGPEER_A_FLAGS, WGPEER_F_REMOVE_ME);
                }
                w.end(peer);
            }
            w.end(peers);
        }
        return w.finish();
    }

    private static void peerAttributes(NlaWriter w, DeviceUpdate.Upsert u) {
        PeerConfig c = u.config();
        if (u.replaceAllowedIps()) {
            w.u32(WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS);
        }
        if (u.setEndpoint() && c.endpoint() != null) {
            w.bytes(WGPEER_A_ENDPOINT, sockaddr(c.endpoint()));
        }
        w.u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, c.keepaliveSeconds());
        if (u.replaceAllowedIps()) {
            int ips = w.begin(WGPEER_A_ALLOWEDIPS);
            int index = 0;
            for (Cidr cidr : c.allowedIps()) {
                int ip = w.begin(index++);
                w.u16(WGALLOWEDIP_A_FAMILY, cidr.family() == 4 ? AF_INET : AF_INET6);
                w.bytes(WGALLOWEDIP_A_IPADDR, UdpEndpoint.bytesOf(cidr.base()));
                w.u8(WGALLOWEDIP_A_CIDR_MASK, cidr.prefix());
                w.end(ip);
            }
            w.end(ips);
        }
    }

    /** struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes): family in host order, port big-endian. */
    static byte[] sockaddr(UdpEndpoint e) {
        boolean v4 = e.ip().family() == 4;
        ByteBuffer b = ByteBuffer.allocate(v4 ? 16 : 28).order(ByteOrder.nativeOrder());
        b.putShort((short) (v4 ? AF_INET : AF_INET6));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) e.port());
        if (v4) {
            b.put(e.addressBytes());
        } else {
            b.putInt(0).put(e.addressBytes()).putInt(0);
        }
        return b.array();
    }
}
