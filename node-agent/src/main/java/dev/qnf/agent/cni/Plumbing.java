package dev.qnf.agent.cni;

import dev.qnf.agent.netlink.Address;
import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.netlink.LinkOps;
import dev.qnf.agent.netlink.NetlinkException;
import dev.qnf.agent.netlink.Route;
import dev.qnf.agent.netlink.Rtnetlink;
import dev.qnf.agent.netlink.Sysctl;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * The kernel work of plugging one container interface in, and of checking it: a veth pair whose peer is created
 * directly inside the container's namespace under the runtime's interface name, the container end's MAC,
 * addresses, default routes and IPv6 sysctls (through a netlink socket opened inside that namespace), and the host
 * end on the network's bridge.
 */
final class Plumbing {
    private final LinkOps host;
    private final IntUnaryOperator mtu;

    Plumbing(LinkOps host, IntUnaryOperator mtu) {
        this.host = host;
        this.mtu = mtu;
    }

    /**
     * What a plugged interface pair is, read back from the kernel: the host end's MAC and the MTU of both ends,
     * which is the network's MTU capped by the host ({@link dev.qnf.agent.reconcile.Reconciler#mtuOf}, e.g. for the
     * WireGuard mesh), so the CNI result reports what the container really has.
     */
    record Plugged(String hostMac, int mtu) {
    }

    /** Plugs {@code a} in (replacing a veth an earlier attempt left). */
    Plugged plug(LocalAttachment a, String bridge) {
        NetworkView n = a.spec();
        NetNs ns = NetNs.of(a.netns());
        host.deleteLink(a.hostIf());
        int containerMtu;
        try {
            host.createVeth(a.hostIf(), a.ifName(), mtu.applyAsInt(n.mtu()), ns);
        } catch (NetlinkException e) {
            if (e.is(Errno.EEXIST)) {
                throw new CniError(CniError.CONFLICT, "interface " + a.ifName() + " already exists in " + a.netns(),
                        e.getMessage());
            }
            throw e;
        }
        try (Rtnetlink c = Rtnetlink.open(ns)) {
            c.setMac(a.ifName(), a.mac());
            ns.exec(() -> {
                Sysctl s = Sysctl.proc();
                // The port guard (bridge qnf) allows this port one link-local source, fe80:: + the EUI-64 of the
                // MAC set above, computed from the MAC alone (Ruleset.Port#linkLocal). A fresh namespace's default
                // is EUI-64 already, but a host that has new namespaces inherit its IPv6 settings
                // (net.core.devconf_inherit_init_net) may pass on stable-privacy or random modes, so pin it here,
                // before the link comes up and the kernel makes the address. Pinning is sturdier than reading the
                // address back: nothing has to be recorded, and a restarted agent derives the same address.
                s.setAddrGenMode(a.ifName(), Sysctl.ADDR_GEN_EUI64);
                if (a.ip6() != null) {
                    s.setAcceptDad(a.ifName(), 0);
                    s.write("net/ipv6/conf/" + a.ifName() + "/accept_ra", "0");
                }
            });
            if (a.ip() != null) {
                c.addAddress(a.ifName(), IpAddress.parse(a.ip()), prefix(n.cidr()));
            }
            if (a.ip6() != null) {
                c.addAddress(a.ifName(), IpAddress.parse(a.ip6()), prefix(n.cidr6()));
            }
            c.setUp(a.ifName());
            for (Route r : routes(a)) {
                c.replaceRoute(r);
            }
            containerMtu = c.link(a.ifName()).map(Link::mtu).orElseThrow(() -> new IllegalStateException(
                    a.ifName() + " vanished from " + a.netns() + " while being plugged"));
        }
        host.setMaster(a.hostIf(), bridge);
        host.setUp(a.hostIf());
        return new Plugged(host.link(a.hostIf()).map(Link::mac).orElse(""), containerMtu);
    }

    /** Removes the veth pair (both ends); a missing one is fine. */
    void unplug(String hostIf) {
        host.deleteLink(hostIf);
    }

    /** What differs from the record, empty when the container is plugged in as recorded. */
    List<String> verify(LocalAttachment a, String bridge) {
        List<String> problems = new ArrayList<>();
        Optional<Link> hostEnd = host.link(a.hostIf());
        Optional<Link> br = host.link(bridge);
        if (hostEnd.isEmpty()) {
            problems.add("host interface " + a.hostIf() + " is missing");
        } else {
            if (br.isEmpty() || hostEnd.get().masterIndex() != br.get().index()) {
                problems.add(a.hostIf() + " is not a port of " + bridge);
            }
            if (!hostEnd.get().up()) {
                problems.add(a.hostIf() + " is down");
            }
        }
        NetNs ns = NetNs.of(a.netns());
        try (Rtnetlink c = Rtnetlink.open(ns)) {
            Optional<Link> link = c.link(a.ifName());
            if (link.isEmpty()) {
                problems.add(a.ifName() + " is missing in " + a.netns());
                return problems;
            }
            if (!link.get().mac().equalsIgnoreCase(a.mac())) {
                problems.add(a.ifName() + " has MAC " + link.get().mac() + ", not " + a.mac());
            }
            if (!link.get().up()) {
                problems.add(a.ifName() + " is down");
            }
            List<Address> addresses = c.addresses(a.ifName());
            NetworkView n = a.spec();
            expectAddress(problems, addresses, a.ip(), n.cidr(), link.get());
            expectAddress(problems, addresses, a.ip6(), n.cidr6(), link.get());
            for (Route want : routes(a)) {
                boolean found = c.routes(want.family()).stream().anyMatch(r -> r.isDefault()
                        && want.gateway().equals(r.gateway()) && a.ifName().equals(r.device()));
                if (!found) {
                    problems.add("no route " + want + " in " + a.netns());
                }
            }
        }
        return problems;
    }

    private static void expectAddress(List<String> problems, List<Address> have, String ip, String cidr, Link link) {
        if (ip == null) {
            return;
        }
        Address want = new Address(link.index(), IpAddress.parse(ip), prefix(cidr));
        if (!have.contains(want)) {
            problems.add(link.name() + " lacks " + ip + "/" + want.prefix());
        }
    }

    private static List<Route> routes(LocalAttachment a) {
        List<Route> out = new ArrayList<>();
        NetworkView n = a.spec();
        if (a.ip() != null && n.gateway() != null) {
            out.add(Route.defaultVia(IpAddress.parse(n.gateway()), a.ifName()));
        }
        if (a.ip6() != null && n.gateway6() != null) {
            out.add(Route.defaultVia(IpAddress.parse(n.gateway6()), a.ifName()));
        }
        return out;
    }

    static int prefix(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }
}
