package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.IpAddress;

import java.util.function.Consumer;

import static dev.qnf.agent.netlink.NetlinkConstants.AF_UNSPEC;
import static dev.qnf.agent.netlink.NetlinkConstants.IFA_ADDRESS;
import static dev.qnf.agent.netlink.NetlinkConstants.IFA_F_NODAD;
import static dev.qnf.agent.netlink.NetlinkConstants.IFA_LOCAL;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_IFNAME;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_INFO_DATA;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_INFO_KIND;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_LINKINFO;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_MTU;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_NET_NS_FD;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_CREATE;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_EXCL;
import static dev.qnf.agent.netlink.NetlinkConstants.NLM_F_REPLACE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_DST;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_GATEWAY;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_OIF;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_PRIORITY;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_DELADDR;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_DELLINK;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_DELROUTE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_GETADDR;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_GETLINK;
import static dev.qnf.agent.netlink.NetlinkConstants.NDA_DST;
import static dev.qnf.agent.netlink.NetlinkConstants.NTF_PROXY;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_DELNEIGH;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_GETNEIGH;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_GETROUTE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWNEIGH;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWADDR;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWLINK;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWROUTE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTN_UNICAST;
import static dev.qnf.agent.netlink.NetlinkConstants.RTN_UNSPEC;
import static dev.qnf.agent.netlink.NetlinkConstants.RTPROT_STATIC;
import static dev.qnf.agent.netlink.NetlinkConstants.RTPROT_UNSPEC;
import static dev.qnf.agent.netlink.NetlinkConstants.RT_SCOPE_LINK;
import static dev.qnf.agent.netlink.NetlinkConstants.RT_SCOPE_NOWHERE;
import static dev.qnf.agent.netlink.NetlinkConstants.RT_SCOPE_UNIVERSE;
import static dev.qnf.agent.netlink.NetlinkConstants.RT_TABLE_MAIN;
import static dev.qnf.agent.netlink.NetlinkConstants.VETH_INFO_PEER;

/**
 * The rtnetlink requests {@link Rtnetlink} sends, as pure functions from arguments to bytes (tested against
 * golden bytes). Attribute order follows iproute2 where it matters to nobody but a byte-for-byte comparison.
 */
final class Requests {
    private Requests() {
    }

    static NetlinkRequest getLinks() {
        return NetlinkRequest.builder(RTM_GETLINK, 0).header(IfInfoMsg.EMPTY).describe("list links").build();
    }

    static NetlinkRequest getLink(String name) {
        return NetlinkRequest.builder(RTM_GETLINK, 0).header(IfInfoMsg.EMPTY)
                .string(IFLA_IFNAME, Wire.linkName(name)).describe("get link " + name).build();
    }

    /** {@code ip link add NAME mtu MTU type bridge}, byte for byte. */
    static NetlinkRequest newBridge(String name, int mtu) {
        return NetlinkRequest.builder(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)
                .header(IfInfoMsg.EMPTY)
                .u32(IFLA_MTU, Wire.mtu(mtu))
                .string(IFLA_IFNAME, Wire.linkName(name))
                .nested(IFLA_LINKINFO, info -> info.unterminatedString(IFLA_INFO_KIND, "bridge"))
                .describe("create bridge " + name)
                .build();
    }

    /**
     * {@code ip link add NAME mtu MTU type veth peer name PEER mtu MTU netns NS}, byte for byte. The peer's own
     * ifinfomsg and attributes sit inside VETH_INFO_PEER, and IFLA_NET_NS_FD there creates the peer directly in
     * that namespace ({@code peerNsFd} < 0: the socket's namespace).
     */
    static NetlinkRequest newVeth(String name, String peer, int mtu, int peerNsFd) {
        Wire.linkName(peer);
        return NetlinkRequest.builder(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)
                .header(IfInfoMsg.EMPTY)
                .u32(IFLA_MTU, Wire.mtu(mtu))
                .string(IFLA_IFNAME, Wire.linkName(name))
                .nested(IFLA_LINKINFO, info -> info
                        .unterminatedString(IFLA_INFO_KIND, "veth")
                        .nested(IFLA_INFO_DATA, data -> data
                                .nested(VETH_INFO_PEER, p -> {
                                    p.header(IfInfoMsg.EMPTY).u32(IFLA_MTU, mtu);
                                    if (peerNsFd >= 0) {
                                        p.u32(IFLA_NET_NS_FD, peerNsFd);
                                    }
                                    p.string(IFLA_IFNAME, peer);
                                })))
                .describe("create veth " + name + " with peer " + peer)
                .build();
    }

    /**
     * Changes an existing link found by name (ifi_index 0 + IFLA_IFNAME; without NLM_F_CREATE a missing link is
     * ENODEV). {@code flags}/{@code change} are ifinfomsg's: the values and the mask of IFF_* bits to change.
     */
    static NetlinkRequest changeLink(String name, int flags, int change, Consumer<NetlinkRequest.Builder> attrs,
                                     String what) {
        NetlinkRequest.Builder b = NetlinkRequest.builder(RTM_NEWLINK, 0)
                .header(new IfInfoMsg(AF_UNSPEC, 0, 0, flags, change))
                .string(IFLA_IFNAME, Wire.linkName(name));
        attrs.accept(b);
        return b.describe(what).build();
    }

    /** Changes a link found by index; the only way to rename (IFLA_IFNAME is then the new name). */
    static NetlinkRequest changeLink(int index, Consumer<NetlinkRequest.Builder> attrs, String what) {
        NetlinkRequest.Builder b = NetlinkRequest.builder(RTM_NEWLINK, 0).header(IfInfoMsg.forIndex(index));
        attrs.accept(b);
        return b.describe(what).build();
    }

    static NetlinkRequest deleteLink(String name) {
        return NetlinkRequest.builder(RTM_DELLINK, 0).header(IfInfoMsg.EMPTY)
                .string(IFLA_IFNAME, Wire.linkName(name)).describe("delete link " + name).build();
    }

    /** All addresses; with strict checking the kernel filters by {@code index} itself. */
    static NetlinkRequest getAddresses(int index) {
        return NetlinkRequest.builder(RTM_GETADDR, 0).header(new IfAddrMsg(AF_UNSPEC, 0, 0, 0, index))
                .describe("list addresses").build();
    }

    /**
     * {@code ip addr add IP/PREFIX dev LINK}, plus {@code nodad} for IPv6: QNF's IPAM already guarantees that an
     * address is held once, and duplicate address detection would leave it "tentative" (unusable) for a second
     * or more after the container starts.
     */
    static NetlinkRequest newAddress(int index, IpAddress ip, int prefix, String what) {
        int flags = ip.family() == 6 ? IFA_F_NODAD : 0;
        byte[] raw = Wire.bytes(ip);
        return NetlinkRequest.builder(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL)
                .header(new IfAddrMsg(Wire.af(ip.family()), prefix, flags, RT_SCOPE_UNIVERSE, index))
                .bytes(IFA_LOCAL, raw)
                .bytes(IFA_ADDRESS, raw)
                .describe(what)
                .build();
    }

    static NetlinkRequest deleteAddress(int index, IpAddress ip, int prefix, String what) {
        byte[] raw = Wire.bytes(ip);
        return NetlinkRequest.builder(RTM_DELADDR, 0)
                .header(new IfAddrMsg(Wire.af(ip.family()), prefix, 0, 0, index))
                .bytes(IFA_LOCAL, raw)
                .bytes(IFA_ADDRESS, raw)
                .describe(what)
                .build();
    }

    /** Routes of one family; with strict checking the kernel dumps only the main table. */
    static NetlinkRequest getRoutes(int family) {
        return NetlinkRequest.builder(RTM_GETROUTE, 0)
                .header(new RtMsg(Wire.af(family), 0, 0, 0, RT_TABLE_MAIN, 0, 0, 0, 0))
                .describe("list IPv" + family + " routes").build();
    }

    /**
     * A static unicast route in the main table: {@code replace} false is {@code ip route add} (EEXIST if present),
     * true is {@code ip route replace} (create or overwrite). A gateway-less IPv4 route is link-scoped.
     */
    static NetlinkRequest newRoute(Route route, int oif, boolean replace) {
        int scope = route.gateway() == null && route.family() == 4 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        NetlinkRequest.Builder b = NetlinkRequest.builder(RTM_NEWROUTE,
                        NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL))
                .header(new RtMsg(Wire.af(route.family()), route.destination().prefix(), 0, 0, RT_TABLE_MAIN,
                        RTPROT_STATIC, scope, RTN_UNICAST, 0));
        routeAttributes(b, route, oif);
        return b.describe((replace ? "replace route " : "add route ") + route).build();
    }

    /**
     * Deletes the route matching destination, gateway, device and (if non-zero) metric, whatever its protocol and
     * scope (RTPROT_UNSPEC, RT_SCOPE_NOWHERE, RTN_UNSPEC are the kernel's wildcards, as iproute2 uses them).
     */
    static NetlinkRequest deleteRoute(Route route, int oif) {
        NetlinkRequest.Builder b = NetlinkRequest.builder(RTM_DELROUTE, 0)
                .header(new RtMsg(Wire.af(route.family()), route.destination().prefix(), 0, 0, RT_TABLE_MAIN,
                        RTPROT_UNSPEC, RT_SCOPE_NOWHERE, RTN_UNSPEC, 0));
        routeAttributes(b, route, oif);
        return b.describe("delete route " + route).build();
    }

    /** Proxy neighbour entries of one family ({@code ip -6 neigh show proxy}): NTF_PROXY asks for the proxy table. */
    static NetlinkRequest getProxies(int family) {
        return NetlinkRequest.builder(RTM_GETNEIGH, 0).header(new NdMsg(Wire.af(family), 0, 0, NTF_PROXY, 0))
                .describe("list IPv" + family + " proxy neighbours").build();
    }

    /** {@code ip neigh add proxy IP dev LINK} ({@code replace}: no EEXIST for an entry already there). */
    static NetlinkRequest newProxy(int index, IpAddress ip) {
        return NetlinkRequest.builder(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE)
                .header(new NdMsg(Wire.af(ip.family()), index, 0, NTF_PROXY, 0))
                .bytes(NDA_DST, Wire.bytes(ip))
                .describe("add proxy neighbour " + ip).build();
    }

    /** {@code ip neigh del proxy IP dev LINK}. */
    static NetlinkRequest deleteProxy(int index, IpAddress ip) {
        return NetlinkRequest.builder(RTM_DELNEIGH, 0)
                .header(new NdMsg(Wire.af(ip.family()), index, 0, NTF_PROXY, 0))
                .bytes(NDA_DST, Wire.bytes(ip))
                .describe("delete proxy neighbour " + ip).build();
    }

    private static void routeAttributes(NetlinkRequest.Builder b, Route route, int oif) {
        if (route.destination().prefix() > 0) {
            b.bytes(RTA_DST, Wire.bytes(route.destination().base()));
        }
        if (route.gateway() != null) {
            b.bytes(RTA_GATEWAY, Wire.bytes(route.gateway()));
        }
        if (oif > 0) {
            b.u32(RTA_OIF, oif);
        }
        if (route.metric() != 0) {
            b.u32(RTA_PRIORITY, route.metric());
        }
    }
}
