package dev.qnf.agent.netlink;

import java.util.Map;
import java.util.Optional;

import static dev.qnf.agent.netlink.NetlinkConstants.IFA_ADDRESS;
import static dev.qnf.agent.netlink.NetlinkConstants.IFA_LOCAL;
import static dev.qnf.agent.netlink.NetlinkConstants.IFF_UP;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_ADDRESS;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_IFNAME;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_INFO_KIND;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_LINKINFO;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_MASTER;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_MTU;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_DST;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_GATEWAY;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_MULTIPATH;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_NH_ID;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_OIF;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_PRIORITY;
import static dev.qnf.agent.netlink.NetlinkConstants.RTA_TABLE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_F_CLONED;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWADDR;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWLINK;
import static dev.qnf.agent.netlink.NetlinkConstants.RTM_NEWROUTE;
import static dev.qnf.agent.netlink.NetlinkConstants.RTN_UNICAST;
import static dev.qnf.agent.netlink.NetlinkConstants.RT_TABLE_MAIN;

/** Decodes rtnetlink replies into QNF's records; pure, so it is tested on captured kernel bytes. */
final class Replies {
    private Replies() {
    }

    static Optional<Link> link(NetlinkMessage m) {
        if (m.type() != RTM_NEWLINK) {
            return Optional.empty();
        }
        IfInfoMsg h = m.ifInfoMsg();
        Attributes a = m.attributes(IfInfoMsg.SIZE);
        return Optional.of(new Link(h.index(),
                a.string(IFLA_IFNAME).orElse(""),
                a.nested(IFLA_LINKINFO).string(IFLA_INFO_KIND).orElse(""),
                a.u32(IFLA_MASTER, 0),
                a.u32(IFLA_MTU, 0),
                a.bytes(IFLA_ADDRESS).map(Wire::mac).orElse(""),
                (h.flags() & IFF_UP) != 0));
    }

    /**
     * IFA_LOCAL is the address of the interface; IFA_ADDRESS is the same, or the peer on a point-to-point link.
     * IPv6 sends only IFA_ADDRESS.
     */
    static Optional<Address> address(NetlinkMessage m) {
        if (m.type() != RTM_NEWADDR) {
            return Optional.empty();
        }
        IfAddrMsg h = m.ifAddrMsg();
        if (h.family() != NetlinkConstants.AF_INET && h.family() != NetlinkConstants.AF_INET6) {
            return Optional.empty();
        }
        Attributes a = m.attributes(IfAddrMsg.SIZE);
        return a.bytes(IFA_LOCAL).or(() -> a.bytes(IFA_ADDRESS))
                .map(raw -> new Address(h.index(), Wire.ip(h.family(), raw), h.prefixLength()));
    }

    /** A proxy neighbour entry (NTF_PROXY), its link named through {@code linkNames}; anything else is skipped. */
    static Optional<ProxyNeighbor> proxy(NetlinkMessage m, Map<Integer, String> linkNames) {
        if (m.type() != NetlinkConstants.RTM_NEWNEIGH) {
            return Optional.empty();
        }
        NdMsg h = m.ndMsg();
        String device = linkNames.get(h.index());
        if ((h.flags() & NetlinkConstants.NTF_PROXY) == 0 || device == null
                || (h.family() != NetlinkConstants.AF_INET && h.family() != NetlinkConstants.AF_INET6)) {
            return Optional.empty();
        }
        return m.attributes(NdMsg.SIZE).bytes(NetlinkConstants.NDA_DST)
                .map(raw -> new ProxyNeighbor(Wire.ip(h.family(), raw), device));
    }

    /**
     * A unicast route of the main table, with its output link named through {@code linkNames}. Everything else
     * (other tables, local/broadcast/blackhole types, cached clones) is not a {@link Route} and is skipped, and so
     * are multipath and nexthop-object routes, which the record cannot express.
     */
    static Optional<Route> route(NetlinkMessage m, Map<Integer, String> linkNames) {
        if (m.type() != RTM_NEWROUTE) {
            return Optional.empty();
        }
        RtMsg h = m.rtMsg();
        Attributes a = m.attributes(RtMsg.SIZE);
        int table = a.u32(RTA_TABLE, h.table());
        if (table != RT_TABLE_MAIN || h.type() != RTN_UNICAST || (h.flags() & RTM_F_CLONED) != 0
                || a.has(RTA_MULTIPATH) || a.has(RTA_NH_ID)) {
            return Optional.empty();
        }
        int family = Wire.family(h.family());
        var destination = a.bytes(RTA_DST)
                .map(raw -> new dev.qnf.fabric.net.Cidr(Wire.ip(h.family(), raw), h.dstLength()))
                .orElse(Route.defaultDestination(family));
        var gateway = a.bytes(RTA_GATEWAY).map(raw -> Wire.ip(h.family(), raw)).orElse(null);
        String device = a.u32(RTA_OIF).map(linkNames::get).orElse(null);
        if (gateway == null && device == null) {
            return Optional.empty();
        }
        return Optional.of(new Route(destination, gateway, device, a.u32(RTA_PRIORITY, 0)));
    }
}
