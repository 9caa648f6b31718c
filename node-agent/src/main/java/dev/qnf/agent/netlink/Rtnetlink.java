package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.LibC;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.sys.SysException;
import dev.qnf.fabric.net.IpAddress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.qnf.agent.netlink.NetlinkConstants.ETH_MIN_MTU;
import static dev.qnf.agent.netlink.NetlinkConstants.IFF_UP;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_ADDRESS;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_IFNAME;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_MASTER;
import static dev.qnf.agent.netlink.NetlinkConstants.IFLA_MTU;

/**
 * {@link LinkOps} over one NETLINK_ROUTE socket. The socket, and so every operation, belongs to the network
 * namespace the Rtnetlink was opened in: {@link #open()} uses the calling thread's, {@link #open(NetNs)} enters
 * another one just long enough to open the socket, after which any thread may use it.
 *
 * <p>Not meant for concurrent use from many threads (calls are serialized on the socket). Close it: an open socket
 * keeps its namespace alive after {@code ip netns del}.
 */
public final class Rtnetlink implements LinkOps, AutoCloseable {
    private final NetlinkSocket socket;

    public Rtnetlink(NetlinkSocket socket) {
        this.socket = Objects.requireNonNull(socket);
    }

    /** Over a new socket in the calling thread's network namespace. */
    public static Rtnetlink open() {
        return new Rtnetlink(NetlinkSocket.openRoute());
    }

    /** Over a new socket in {@code ns}; usable from any thread afterwards. */
    public static Rtnetlink open(NetNs ns) {
        return ns.run(Rtnetlink::open);
    }

    // ---- links

    @Override
    public List<Link> links() {
        return socket.dump(Requests.getLinks()).stream().flatMap(m -> Replies.link(m).stream()).toList();
    }

    @Override
    public Optional<Link> link(String name) {
        try {
            return socket.request(Requests.getLink(name)).stream().flatMap(m -> Replies.link(m).stream())
                    .findFirst();
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The bridge is created with a provisional MTU and then changed to {@code mtu}: only a change (not the
     * creation attribute) marks a bridge's MTU as set by the user, and without that mark the kernel re-derives it
     * from the ports, e.g. raising a 1450 bridge to 1500 when a default veth joins. If that change fails, the
     * bridge just created is deleted again.
     */
    @Override
    public Link createBridge(String name, int mtu) {
        Wire.mtu(mtu);
        boolean created = false;
        try {
            socket.request(Requests.newBridge(name, mtu > ETH_MIN_MTU ? mtu - 1 : mtu + 1));
            created = true;
        } catch (NetlinkException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
            Link existing = link(name).orElseThrow(() -> e);
            if (!existing.isBridge()) {
                throw new NetlinkException(e.operation(), Errno.EEXIST, "link " + name + " exists and is "
                        + (existing.kind().isEmpty() ? "not a bridge" : "a " + existing.kind() + ", not a bridge"));
            }
            if (existing.mtu() == mtu) {
                return existing;
            }
        }
        try {
            setMtu(name, mtu);
        } catch (RuntimeException e) {
            if (created) {
                deleteLink(name);
            }
            throw e;
        }
        return link(name).orElseThrow(() -> new NetlinkException("create bridge " + name, Errno.ENODEV,
                "bridge vanished right after it was created"));
    }

    @Override
    public void createVeth(String name, String peerName, int mtu, NetNs peerNamespace) {
        if (peerNamespace == null) {
            socket.request(Requests.newVeth(name, peerName, mtu, -1));
            return;
        }
        int fd = LibC.INSTANCE.open(peerNamespace.path().toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new SysException("open " + peerNamespace.path(), LibC.errno());
        }
        try {
            socket.request(Requests.newVeth(name, peerName, mtu, fd));
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    @Override
    public void setMaster(String link, String bridge) {
        int master = bridge == null ? 0 : index(bridge);
        socket.request(Requests.changeLink(link, 0, 0, b -> b.u32(IFLA_MASTER, master),
                bridge == null ? "detach " + link + " from its bridge" : "attach " + link + " to " + bridge));
    }

    @Override
    public void setUp(String link) {
        socket.request(Requests.changeLink(link, IFF_UP, IFF_UP, b -> {
        }, "set " + link + " up"));
    }

    @Override
    public void setDown(String link) {
        socket.request(Requests.changeLink(link, 0, IFF_UP, b -> {
        }, "set " + link + " down"));
    }

    @Override
    public void setMtu(String link, int mtu) {
        socket.request(Requests.changeLink(link, 0, 0, b -> b.u32(IFLA_MTU, Wire.mtu(mtu)),
                "set " + link + " mtu " + mtu));
    }

    @Override
    public void setMac(String link, String mac) {
        byte[] raw = Wire.mac(mac);
        socket.request(Requests.changeLink(link, 0, 0, b -> b.bytes(IFLA_ADDRESS, raw),
                "set " + link + " address " + mac));
    }

    @Override
    public void rename(String link, String newName) {
        Wire.linkName(newName);
        int index = index(link);
        socket.request(Requests.changeLink(index, b -> b.string(IFLA_IFNAME, newName),
                "rename " + link + " to " + newName));
    }

    @Override
    public void deleteLink(String name) {
        try {
            socket.request(Requests.deleteLink(name));
        } catch (NetlinkException e) {
            if (!e.is(Errno.ENODEV)) {
                throw e;
            }
        }
    }

    // ---- addresses

    @Override
    public List<Address> addresses(String link) {
        int index = index(link);
        return socket.dump(Requests.getAddresses(index)).stream().flatMap(m -> Replies.address(m).stream())
                .filter(a -> a.linkIndex() == index).toList();
    }

    /**
     * EEXIST is success only if the address really is there with this prefix: IPv6 refuses a second prefix length
     * for an address with EEXIST too, and that must not pass for "done".
     */
    @Override
    public void addAddress(String link, IpAddress ip, int prefix) {
        Address wanted = new Address(index(link), ip, prefix);
        String what = "add address " + ip + "/" + prefix + " to " + link;
        try {
            socket.request(Requests.newAddress(wanted.linkIndex(), ip, prefix, what));
        } catch (NetlinkException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
            if (!addresses(link).contains(wanted)) {
                throw new NetlinkException(e.operation(), Errno.EEXIST, ip + " is already on " + link
                        + " with another prefix length");
            }
        }
    }

    @Override
    public void deleteAddress(String link, IpAddress ip, int prefix) {
        Optional<Link> l = link(link);
        if (l.isEmpty()) {
            return;
        }
        try {
            socket.request(Requests.deleteAddress(l.get().index(), ip, prefix,
                    "delete address " + ip + "/" + prefix + " from " + link));
        } catch (NetlinkException e) {
            if (!e.is(Errno.EADDRNOTAVAIL) && !e.is(Errno.ENODEV)) {
                throw e;
            }
        }
    }

    // ---- routes

    @Override
    public List<Route> routes(int family) {
        Wire.af(family);
        Map<Integer, String> names = new HashMap<>();
        for (Link l : links()) {
            names.put(l.index(), l.name());
        }
        return socket.dump(Requests.getRoutes(family)).stream().flatMap(m -> Replies.route(m, names).stream())
                .filter(r -> r.family() == family).toList();
    }

    @Override
    public void addRoute(Route route) {
        socket.request(Requests.newRoute(route, outputIndex(route), false));
    }

    @Override
    public void replaceRoute(Route route) {
        socket.request(Requests.newRoute(route, outputIndex(route), true));
    }

    @Override
    public void deleteRoute(Route route) {
        int oif;
        if (route.device() == null) {
            oif = 0;
        } else {
            Optional<Link> l = link(route.device());
            if (l.isEmpty()) {
                return;
            }
            oif = l.get().index();
        }
        try {
            socket.request(Requests.deleteRoute(route, oif));
        } catch (NetlinkException e) {
            if (!e.is(Errno.ESRCH)) {
                throw e;
            }
        }
    }

    @Override
    public List<ProxyNeighbor> proxyNeighbors(int family) {
        Wire.af(family);
        Map<Integer, String> names = new HashMap<>();
        for (Link l : links()) {
            names.put(l.index(), l.name());
        }
        return socket.dump(Requests.getProxies(family)).stream().flatMap(m -> Replies.proxy(m, names).stream())
                .toList();
    }

    @Override
    public void addProxyNeighbor(ProxyNeighbor entry) {
        socket.request(Requests.newProxy(index(entry.device()), entry.ip()));
    }

    @Override
    public void deleteProxyNeighbor(ProxyNeighbor entry) {
        Optional<Link> l = link(entry.device());
        if (l.isEmpty()) {
            return;
        }
        try {
            socket.request(Requests.deleteProxy(l.get().index(), entry.ip()));
        } catch (NetlinkException e) {
            if (!e.is(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    private int outputIndex(Route route) {
        return route.device() == null ? 0 : index(route.device());
    }

    /** The ifindex of {@code name}; a missing link is the kernel's ENODEV, with the name in the message. */
    private int index(String name) {
        return link(name).map(Link::index).orElseThrow(() ->
                new NetlinkException("find link " + name, Errno.ENODEV, "no link named " + name));
    }

    @Override
    public void close() {
        socket.close();
    }
}
