package dev.qnf.mesh.genl;

import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.fabric.net.UdpEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static dev.qnf.mesh.Fixtures.cidrs;
import static dev.qnf.mesh.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

/** The exact bytes of the kernel requests, laid out by hand from include/uapi/linux/wireguard.h (x86: little-endian). */
class WgGenlTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void familyLookup() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        String expected = "24000000" + "1000" + "0500" + "07000000" + "00000000" // nlmsghdr: len 36, ctrl, REQ|ACK
                + "03" + "01" + "0000"                                             // CTRL_CMD_GETFAMILY v1
                + "0e00" + "0200" + HEX.formatHex("wireguard\0".getBytes()) + "0000"; // FAMILY_NAME + pad
        assertThat(HEX.formatHex(WgGenl.getFamily(7))).isEqualTo(expected);
    }

    @Test
    void setDeviceWithKeyPortAndOneRemoval() {
        byte[] msg = WgGenl.setDevice(0x1d, 1, "wg0", new DeviceUpdate(key(0xaa), 51820,
                List.of(new DeviceUpdate.Remove(key(0x02)))));
        String expected = len(msg) + "1d00" + "0500" + "01000000" + "00000000"
                + "01" + "01" + "0000"                                    // WG_CMD_SET_DEVICE v1
                + "0800" + "0200" + HEX.formatHex("wg0\0".getBytes())    // IFNAME
                + "2400" + "0300" + "aa".repeat(32)                       // PRIVATE_KEY
                + "0600" + "0600" + "6cca" + "0000"                       // LISTEN_PORT 51820, host order + pad
                + "3400" + "0880"                                         // PEERS (nested), len 52
                + "3000" + "0080"                                         // peer 0 (nested), len 48
                + "2400" + "0100" + "02".repeat(32)                       // PUBLIC_KEY
                + "0800" + "0300" + "01000000";                           // FLAGS = REMOVE_ME
        assertThat(HEX.formatHex(msg)).isEqualTo(expected);
    }

    @Test
    void upsertCarriesEndpointKeepaliveAndAllowedIps() {
        PeerConfig c = new PeerConfig(key(1), UdpEndpoint.parse("192.0.2.1:51820"), cidrs("10.1.0.0/24", "fd00::/8"), 25);
        byte[] msg = WgGenl.setDevice(0x1d, 2, "wg0", DeviceUpdate.peersOnly(List.of(
                new DeviceUpdate.Upsert(c, true, true))));
        String peer = "2400" + "0100" + "01".repeat(32)
                + "0800" + "0300" + "02000000"                            // FLAGS = REPLACE_ALLOWEDIPS
                + "1400" + "0400" + "0200" + "ca6c" + "c0000201" + "0000000000000000" // sockaddr_in, port BE
                + "0600" + "0500" + "1900" + "0000"                       // KEEPALIVE 25
                + "4800" + "0980"                                         // ALLOWEDIPS nested, len 72
                + "1c00" + "0080" + "0600" + "0100" + "0200" + "0000"     // [0] len 28: FAMILY AF_INET
                + "0800" + "0200" + "0a010000" + "0500" + "0300" + "18" + "000000"   // IPADDR, CIDR_MASK 24
                + "2800" + "0180" + "0600" + "0100" + "0a00" + "0000"     // [1] len 40: FAMILY AF_INET6
                + "1400" + "0200" + "fd000000000000000000000000000000" + "0500" + "0300" + "08" + "000000";
        String body = HEX.formatHex(msg).substring(40 + 16);             // after nlmsghdr, genlmsghdr, IFNAME
        assertThat(body).isEqualTo(hex16(4 + 4 + peer.length() / 2) + "0880" + hex16(4 + peer.length() / 2) + "0080" + peer);
    }

    @Test
    void anIpv6EndpointIsASockaddrIn6() {
        byte[] sa = WgGenl.sockaddr(UdpEndpoint.parse("[2001:db8::1]:443"));
        assertThat(HEX.formatHex(sa)).isEqualTo("0a00" + "01bb" + "00000000" + "20010db8000000000000000000000001" + "00000000");
    }

    private static String len(byte[] msg) {
        return HEX.formatHex(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length).array());
    }

    private static String hex16(int v) {
        return HEX.formatHex(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }
}
