package dev.qnf.agent.control;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

/** Between the API's JSON views and the domain records the agent computes with. */
public final class Views {
    private Views() {
    }

    public static Network network(NetworkView v) {
        return new Network(v.name(), Cidr.parse(v.cidr()), cidr(v.cidr6()), ip(v.gateway()), ip(v.gateway6()),
                v.mtu(), v.nat(), v.blockPrefix(),
                v.blockPrefix6() == null ? Network.DEFAULT_BLOCK_PREFIX6 : v.blockPrefix6(), v.allowOverlap(),
                v.labels());
    }

    public static NetworkView view(Network n) {
        return new NetworkView(n.name(), n.cidr().toString(), str(n.cidr6()), str(n.gateway()), str(n.gateway6()),
                n.mtu(), n.nat(), n.blockPrefix(), n.cidr6() == null ? null : n.blockPrefix6(), n.allowOverlap(),
                n.labels(), null);
    }

    /** {@code network} names the network when the view does not (REST answers). */
    public static Endpoint endpoint(String network, AllocationView v) {
        String net = v.network() != null ? v.network() : network;
        return new Endpoint(net, v.endpoint(), v.node(), ip(v.ip()), ip(v.ip6()), v.containerId(), v.ifName(), v.mac(),
                v.labels());
    }

    public static AllocationView view(Endpoint e) {
        return new AllocationView(e.network(), e.id(), str(e.ip()), str(e.ip6()), e.node(), e.containerId(),
                e.ifName(), e.mac(), e.labels().isEmpty() ? null : e.labels(), null);
    }

    static IpAddress ip(String s) {
        return s == null || s.isEmpty() ? null : IpAddress.parse(s);
    }

    private static Cidr cidr(String s) {
        return s == null || s.isEmpty() ? null : Cidr.parse(s);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
