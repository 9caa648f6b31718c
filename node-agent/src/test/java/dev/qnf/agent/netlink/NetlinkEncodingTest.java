package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.HexFormat;

import static dev.qnf.agent.netlink.NetlinkConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Request encoding against golden bytes; no root needed. Golden bytes are little-endian, as on x86_64/arm64. */
class NetlinkEncodingTest {

    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void bridgeRequestIsByteForByteWhatIproute2Sends() {
        // strace -xx of "ip link add br0 mtu 1450 type bridge" (iproute2 6.1), seq 1795831139
        String iproute2 = "40000000" + "1000" + "0506" + "63350a6b" + "00000000"   // nlmsghdr: 64, NEWLINK, REQ|ACK|EXCL|CREATE
                + "00000000000000000000000000000000"                              // ifinfomsg: all zero
                + "08000400" + "aa050000"                                         // IFLA_MTU 1450
                + "08000300" + "62723000"                                         // IFLA_IFNAME "br0\0"
                + "10001200" + "0a000100" + "627269646765" + "0000";              // IFLA_LINKINFO { IFLA_INFO_KIND "bridge" } + pad
        byte[] ours = Requests.newBridge("br0", 1450).encode(1795831139, NLM_F_REQUEST | NLM_F_ACK);
        assertThat(hex(ours)).isEqualTo(iproute2);
    }

    @Test
    void vethWithPeerInAnotherNamespaceIsByteForByteWhatIproute2Sends() {
        // strace -xx of "ip link add qv0 mtu 1450 type veth peer name eth0 mtu 1450 netns NS", netns fd 4
        String iproute2 = "70000000" + "1000" + "0506" + "84360a6b" + "00000000"
                + "00000000000000000000000000000000"
                + "08000400" + "aa050000"                                         // IFLA_MTU 1450
                + "08000300" + "71763000"                                         // IFLA_IFNAME "qv0\0"
                + "40001200"                                                      // IFLA_LINKINFO (64)
                + "08000100" + "76657468"                                         //   IFLA_INFO_KIND "veth"
                + "34000200"                                                      //   IFLA_INFO_DATA (52)
                + "30000100"                                                      //     VETH_INFO_PEER (48)
                + "00000000000000000000000000000000"                              //       its ifinfomsg
                + "08000400" + "aa050000"                                         //       IFLA_MTU 1450
                + "08001c00" + "04000000"                                         //       IFLA_NET_NS_FD 4
                + "09000300" + "6574683000" + "000000";                           //       IFLA_IFNAME "eth0\0" + pad
        byte[] ours = Requests.newVeth("qv0", "eth0", 1450, 4).encode(1795831428, NLM_F_REQUEST | NLM_F_ACK);
        assertThat(hex(ours)).isEqualTo(iproute2);
    }

    @Test
    void proxyNeighbourRequestsCarryNtfProxyAndTheAddressAndTheKernelsAnswerParsesBack() {
        String add = "30000000" + "1c00" + "0505" + "07000000" + "00000000"      // nlmsghdr: 48, NEWNEIGH, REQ|ACK|REPLACE|CREATE
                + "0a" + "00" + "0000" + "05000000" + "0000" + "08" + "00"        // ndmsg: AF_INET6, ifindex 5, NTF_PROXY
                + "14000100" + "fd000077000000000000000000000011";                // NDA_DST fd00:77::11
        assertThat(hex(Requests.newProxy(5, IpAddress.parse("fd00:77::11")).encode(7, NLM_F_REQUEST | NLM_F_ACK)))
                .isEqualTo(add);
        byte[] del = Requests.deleteProxy(5, IpAddress.parse("fd00:77::11")).encode(8, NLM_F_REQUEST | NLM_F_ACK);
        assertThat(hex(del)).startsWith("30000000" + "1d00" + "0500").endsWith(add.substring(32));
        assertThat(hex(Requests.getProxies(6).encode(9, NLM_F_REQUEST | NLM_F_DUMP)))
                .isEqualTo("1c000000" + "1e00" + "0103" + "09000000" + "00000000" + "0a000000000000000000" + "0800");

        // the dump's answer is an RTM_NEWNEIGH with the same body
        byte[] body = HexFormat.of().parseHex(add.substring(32));
        assertThat(Replies.proxy(new NetlinkMessage(RTM_NEWNEIGH, 0, 9, 0, body), java.util.Map.of(5, "qnf-six")))
                .contains(new ProxyNeighbor(IpAddress.parse("fd00:77::11"), "qnf-six"));
        byte[] notProxy = body.clone();
        notProxy[10] = 0;   // ndm_flags without NTF_PROXY: an ordinary neighbour
        assertThat(Replies.proxy(new NetlinkMessage(RTM_NEWNEIGH, 0, 9, 0, notProxy), java.util.Map.of(5, "qnf-six")))
                .isEmpty();
        assertThat(Replies.proxy(new NetlinkMessage(RTM_NEWNEIGH, 0, 9, 0, body), java.util.Map.of())).as("unknown link")
                .isEmpty();
    }

    @Test
    void vethWithoutNamespaceHasNoNetNsFd() {
        NetlinkMessage m = roundTrip(Requests.newVeth("a", "b", 1500, -1));
        Attributes peer = peerAttributes(m);
        assertThat(peer.has(IFLA_NET_NS_FD)).isFalse();
        assertThat(peer.string(IFLA_IFNAME)).contains("b");
    }

    @Test
    void ipv6AddressIsSentWithoutDadInNetworkOrder() {
        NetlinkMessage m = roundTrip(Requests.newAddress(7, IpAddress.parse("fd00:77::11"), 64, "x"));
        assertThat(m.type()).isEqualTo(RTM_NEWADDR);
        assertThat(m.flags()).isEqualTo(NLM_F_CREATE | NLM_F_EXCL);
        assertThat(m.ifAddrMsg()).isEqualTo(new IfAddrMsg(AF_INET6, 64, IFA_F_NODAD, RT_SCOPE_UNIVERSE, 7));
        Attributes a = m.attributes(IfAddrMsg.SIZE);
        assertThat(hex(a.bytes(IFA_LOCAL).orElseThrow())).isEqualTo("fd000077000000000000000000000011");
        assertThat(a.bytes(IFA_ADDRESS).orElseThrow()).isEqualTo(a.bytes(IFA_LOCAL).orElseThrow());
    }

    @Test
    void ipv4AddressKeepsDad() {
        NetlinkMessage m = roundTrip(Requests.newAddress(3, IpAddress.parse("200.1.2.3"), 24, "x"));
        assertThat(m.ifAddrMsg()).isEqualTo(new IfAddrMsg(AF_INET, 24, 0, RT_SCOPE_UNIVERSE, 3));
        assertThat(hex(m.attributes(IfAddrMsg.SIZE).bytes(IFA_LOCAL).orElseThrow())).isEqualTo("c8010203");
    }

    @Test
    void defaultRouteViaGatewayHasNoDestinationAttribute() {
        Route r = Route.defaultVia(IpAddress.parse("10.77.0.1"), "eth0").withMetric(100);
        NetlinkMessage m = roundTrip(Requests.newRoute(r, 5, false));
        assertThat(m.flags()).isEqualTo(NLM_F_CREATE | NLM_F_EXCL);
        assertThat(m.rtMsg()).isEqualTo(new RtMsg(AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC,
                RT_SCOPE_UNIVERSE, RTN_UNICAST, 0));
        Attributes a = m.attributes(RtMsg.SIZE);
        assertThat(a.types()).containsExactly(RTA_GATEWAY, RTA_OIF, RTA_PRIORITY);
        assertThat(hex(a.bytes(RTA_GATEWAY).orElseThrow())).isEqualTo("0a4d0001");
        assertThat(a.u32(RTA_OIF, 0)).isEqualTo(5);
        assertThat(a.u32(RTA_PRIORITY, 0)).isEqualTo(100);
    }

    @Test
    void replacedDeviceRouteIsLinkScopedAndDeleteUsesWildcards() {
        Route r = Route.onLink(Cidr.parse("192.0.2.0/24"), "br0");
        NetlinkMessage add = roundTrip(Requests.newRoute(r, 2, true));
        assertThat(add.flags()).isEqualTo(NLM_F_CREATE | NLM_F_REPLACE);
        assertThat(add.rtMsg().scope()).isEqualTo(RT_SCOPE_LINK);
        assertThat(add.rtMsg().dstLength()).isEqualTo(24);
        assertThat(hex(add.attributes(RtMsg.SIZE).bytes(RTA_DST).orElseThrow())).isEqualTo("c0000200");

        NetlinkMessage del = roundTrip(Requests.deleteRoute(r, 2));
        assertThat(del.type()).isEqualTo(RTM_DELROUTE);
        assertThat(del.rtMsg()).isEqualTo(new RtMsg(AF_INET, 24, 0, 0, RT_TABLE_MAIN, RTPROT_UNSPEC,
                RT_SCOPE_NOWHERE, RTN_UNSPEC, 0));
    }

    @Test
    void setUpChangesOnlyTheUpFlagOfALinkFoundByName() {
        NetlinkMessage m = roundTrip(Requests.changeLink("v0", IFF_UP, IFF_UP, b -> {
        }, "x"));
        assertThat(m.flags()).isZero();
        assertThat(m.ifInfoMsg()).isEqualTo(new IfInfoMsg(AF_UNSPEC, 0, 0, IFF_UP, IFF_UP));
        assertThat(m.attributes(IfInfoMsg.SIZE).string(IFLA_IFNAME)).contains("v0");
    }

    @Test
    void attributesArePaddedAndNestedLengthsIncludeThePadding() {
        NetlinkRequest r = NetlinkRequest.builder(RTM_NEWLINK, 0)
                .header(IfInfoMsg.EMPTY)
                .nested(IFLA_LINKINFO, n -> n.u8(1, 7).string(2, "abcde"))
                .u32(IFLA_MTU, 9000)
                .build();
        // nested: 4 + (5 + 3 pad) + (10 + 2 pad) = 24
        assertThat(hex(r.body())).isEqualTo("00000000000000000000000000000000"
                + "18001200" + "05000100" + "07000000" + "0a000200" + "6162636465000000"
                + "08000400" + "28230000");
        Attributes a = roundTrip(r).attributes(IfInfoMsg.SIZE);
        assertThat(a.nested(IFLA_LINKINFO).string(2)).contains("abcde");
        assertThat(a.u32(IFLA_MTU, 0)).isEqualTo(9000);
    }

    @Test
    void builderGrowsPastItsInitialBuffer() {
        NetlinkRequest.Builder b = NetlinkRequest.builder(RTM_NEWLINK, 0).header(IfInfoMsg.EMPTY);
        for (int i = 0; i < 200; i++) {
            b.u32(i + 1, i);
        }
        Attributes a = roundTrip(b.build()).attributes(IfInfoMsg.SIZE);
        assertThat(a.types()).hasSize(200);
        assertThat(a.u32(200, -1)).isEqualTo(199);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> Requests.newBridge("a-name-that-is-too-long", 1500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid link name");
        assertThatThrownBy(() -> Requests.getLink("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Requests.newVeth("a", "b", 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.mac("02:00:00:00:00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route(Cidr.parse("10.0.0.0/8"), IpAddress.parse("fd00::1"), null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route(Cidr.parse("10.0.0.0/8"), null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Wire.linkName("fifteen-chars-x")).hasSize(15);
    }

    @Test
    void macAndAddressConversions() {
        assertThat(Wire.mac(Wire.mac("02:AB:cd:00:00:01"))).isEqualTo("02:ab:cd:00:00:01");
        assertThat(hex(Wire.bytes(IpAddress.parse("::1")))).isEqualTo("00000000000000000000000000000001");
        assertThat(hex(Wire.bytes(IpAddress.parse("255.255.255.255")))).isEqualTo("ffffffff");
        assertThat(Wire.ip(AF_INET6, Wire.bytes(IpAddress.parse("fe80::1")))).isEqualTo(IpAddress.parse("fe80::1"));
    }

    private static NetlinkMessage roundTrip(NetlinkRequest r) {
        var messages = NetlinkMessage.parseAll(java.nio.ByteBuffer.wrap(r.encode(1, 0)));
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static Attributes peerAttributes(NetlinkMessage m) {
        byte[] peer = m.attributes(IfInfoMsg.SIZE).nested(IFLA_LINKINFO).nested(IFLA_INFO_DATA)
                .bytes(VETH_INFO_PEER).orElseThrow();
        return Attributes.parse(java.nio.ByteBuffer.wrap(peer).position(IfInfoMsg.SIZE));
    }
}
