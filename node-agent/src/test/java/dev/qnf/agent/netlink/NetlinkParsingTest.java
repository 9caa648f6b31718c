package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.qnf.agent.netlink.NetlinkConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reply parsing on datagrams captured from a real kernel (src/test/resources/netlink); no root needed. */
class NetlinkParsingTest {

    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "captured bytes are little-endian");
    }

    @Test
    void linkDumpSpansDatagramsEachCarryingSeveralMessages() {
        List<ByteBuffer> datagrams = Captured.datagrams("getlink-dump");
        assertThat(datagrams).hasSizeGreaterThan(1);
        assertThat(NetlinkMessage.parseAll(datagrams.get(0).duplicate())).hasSizeGreaterThan(1);

        Map<String, Link> links = Captured.exchange("getlink-dump", 100, true).stream()
                .flatMap(m -> Replies.link(m).stream())
                .collect(Collectors.toMap(Link::name, Function.identity()));

        assertThat(links).containsOnlyKeys("lo", "br0", "v0");
        assertThat(links.get("lo")).isEqualTo(new Link(1, "lo", "", 0, 65536, "00:00:00:00:00:00", true));
        Link br0 = links.get("br0");
        assertThat(br0.kind()).isEqualTo("bridge");
        assertThat(br0.isBridge()).isTrue();
        assertThat(br0.mtu()).isEqualTo(1450);
        assertThat(br0.up()).isTrue();
        assertThat(links.get("v0")).isEqualTo(
                new Link(links.get("v0").index(), "v0", "veth", br0.index(), 1450, "02:00:00:00:00:aa", true));
    }

    @Test
    void addressDumpHasBothFamilies() {
        List<Address> addresses = Captured.exchange("getaddr-dump", 101, true).stream()
                .flatMap(m -> Replies.address(m).stream()).toList();
        assertThat(addresses).extracting(a -> a.ip() + "/" + a.prefix())
                .contains("10.77.0.1/24", "fd00:77::1/64", "127.0.0.1/8", "::1/128");
        assertThat(addresses).filteredOn(a -> a.ip().equals(IpAddress.parse("10.77.0.1")))
                .singleElement().extracting(Address::linkIndex).isEqualTo(2);
    }

    @Test
    void routeDumpsBecomeMainTableUnicastRoutes() {
        Map<Integer, String> names = Map.of(1, "lo", 2, "br0", 3, "v0");
        List<Route> v4 = Captured.exchange("getroute4-dump", 102, true).stream()
                .flatMap(m -> Replies.route(m, names).stream()).toList();
        assertThat(v4).containsExactlyInAnyOrder(
                Route.onLink(Cidr.parse("10.77.0.0/24"), "br0"),
                Route.via(Cidr.parse("10.88.0.0/16"), IpAddress.parse("10.77.0.9"), "br0").withMetric(50),
                Route.onLink(Cidr.parse("192.0.2.0/24"), "br0"));

        List<Route> v6 = Captured.exchange("getroute6-dump", 103, true).stream()
                .flatMap(m -> Replies.route(m, names).stream()).toList();
        assertThat(v6).contains(
                Route.onLink(Cidr.parse("fd00:77::/64"), "br0").withMetric(256),
                Route.via(Cidr.parse("fd00:99::/64"), IpAddress.parse("fd00:77::9"), "br0").withMetric(1024));
    }

    @Test
    void errorWithoutExtendedAckIsTheErrnoAlone() {
        assertThatThrownBy(() -> Captured.exchange("newlink-eexist", 104, false))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.kernelMessage()).isEmpty();
                    assertThat(e.getMessage()).isEqualTo("newlink-eexist: EEXIST (17): File exists");
                });
    }

    @Test
    void errorCarriesTheKernelsExtendedAckMessage() {
        assertThatThrownBy(() -> Captured.exchange("newlink-mtu-error", 105, false))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.kernelMessage()).contains("mtu greater than device maximum");
                    assertThat(e.getMessage()).endsWith("EINVAL (22): Invalid argument: mtu greater than device maximum");
                });
    }

    @Test
    void uncappedErrorSkipsTheEchoedRequestBeforeItsTlvs() {
        // without NETLINK_CAP_ACK the kernel echoes the whole request (here 24 bytes) before the TLVs
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 24 + 8).order(ByteOrder.nativeOrder());
        b.putInt(52).putShort((short) NLMSG_ERROR).putShort((short) NLM_F_ACK_TLVS).putInt(9).putInt(0);
        b.putInt(-Errno.ENODEV);
        b.putInt(24).putShort((short) RTM_NEWLINK).putShort((short) 5).putInt(9).putInt(0).putLong(0);
        b.putShort((short) 8).putShort((short) NLMSGERR_ATTR_OFFS).putInt(20);
        NetlinkMessage m = NetlinkMessage.parseAll(b.flip()).get(0);
        NetlinkException e = ReplyCollector.error(m, "x");
        assertThat(e.errno()).isEqualTo(Errno.ENODEV);
        assertThat(e.badAttributeOffset()).isEqualTo(20);
    }

    @Test
    void staleRepliesAreSkippedAndAckEndsARequest() {
        ReplyCollector c = new ReplyCollector(7, false, "x");
        assertThat(c.accept(List.of(message(NLMSG_ERROR, 0, 6, ack()), message(RTM_NEWLINK, 0, 7, new byte[16]))))
                .isFalse();
        assertThat(c.accept(List.of(message(NLMSG_ERROR, 0, 7, ack())))).isTrue();
        assertThat(c.replies()).singleElement().extracting(NetlinkMessage::type).isEqualTo(RTM_NEWLINK);
    }

    @Test
    void aDumpFlaggedInterruptedIsReportedSoItCanBeReread() {
        ReplyCollector c = new ReplyCollector(3, true, "x");
        c.accept(List.of(message(RTM_NEWLINK, NLM_F_MULTI | NLM_F_DUMP_INTR, 3, new byte[16]),
                message(NLMSG_DONE, NLM_F_MULTI, 3, new byte[4])));
        assertThat(c.interrupted()).isTrue();
    }

    @Test
    void malformedInputIsRefusedNotTruncated() {
        ByteBuffer tooLong = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        tooLong.putInt(40).putShort((short) RTM_NEWLINK).putShort((short) 0).putInt(1).putInt(0).flip();
        assertThatThrownBy(() -> NetlinkMessage.parseAll(tooLong)).hasMessageContaining("malformed netlink message");

        ByteBuffer attr = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        attr.putShort((short) 12).putShort((short) 1).putInt(0).flip();
        assertThatThrownBy(() -> Attributes.parse(attr)).hasMessageContaining("malformed attribute");
    }

    private static byte[] ack() {
        return new byte[4 + 16];
    }

    private static NetlinkMessage message(int type, int flags, int seq, byte[] payload) {
        return new NetlinkMessage(type, flags, seq, 0, payload);
    }
}
