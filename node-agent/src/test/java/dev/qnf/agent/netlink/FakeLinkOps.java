package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.net.IpAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link LinkOps} for reconcile tests, held to the real one by {@link LinkOpsContract}: same
 * idempotency, same errnos for the cases the contract covers. It does not model what the kernel derives on its own
 * (prefix routes for addresses, IPv6 link-local addresses, carrier) nor gateway reachability. A veth peer created
 * in another namespace is only recorded ({@link #peersElsewhere()}).
 */
public final class FakeLinkOps implements LinkOps {
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final Map<String, String> vethPeers = new LinkedHashMap<>();
    private final Map<String, NetNs> peersElsewhere = new LinkedHashMap<>();
    private final List<Address> addresses = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<ProxyNeighbor> proxies = new ArrayList<>();
    private int nextIndex = 2;

    public FakeLinkOps() {
        links.put("lo", new Link(1, "lo", "", 0, 65536, "00:00:00:00:00:00", true));
    }

    public Map<String, NetNs> peersElsewhere() {
        return Map.copyOf(peersElsewhere);
    }

    @Override
    public List<Link> links() {
        return List.copyOf(links.values());
    }

    @Override
    public Optional<Link> link(String name) {
        Wire.linkName(name);
        return Optional.ofNullable(links.get(name));
    }

    @Override
    public Link createBridge(String name, int mtu) {
        Wire.linkName(name);
        Wire.mtu(mtu);
        Link existing = links.get(name);
        if (existing != null && !existing.isBridge()) {
            throw new NetlinkException("create bridge " + name + " (RTM_NEWLINK)", Errno.EEXIST,
                    "link " + name + " exists and is a " + existing.kind() + ", not a bridge");
        }
        if (existing == null) {
            add(name, "bridge", mtu);
        } else {
            setMtu(name, mtu);
        }
        return links.get(name);
    }

    @Override
    public void createVeth(String name, String peerName, int mtu, NetNs peerNamespace) {
        Wire.linkName(name);
        Wire.linkName(peerName);
        Wire.mtu(mtu);
        String op = "create veth " + name + " with peer " + peerName + " (RTM_NEWLINK)";
        if (links.containsKey(name) || (peerNamespace == null && (links.containsKey(peerName) || name.equals(peerName)))) {
            throw new NetlinkException(op, Errno.EEXIST, null);
        }
        add(name, "veth", mtu);
        if (peerNamespace == null) {
            add(peerName, "veth", mtu);
            vethPeers.put(name, peerName);
            vethPeers.put(peerName, name);
        } else {
            peersElsewhere.put(name, peerNamespace);
        }
    }

    @Override
    public void setMaster(String link, String bridge) {
        int master = 0;
        if (bridge != null) {
            master = require(bridge, "find link " + bridge).index();
        }
        Link l = require(link, "attach " + link + " (RTM_NEWLINK)");
        links.put(link, new Link(l.index(), l.name(), l.kind(), master, l.mtu(), l.mac(), l.up()));
    }

    @Override
    public void setUp(String link) {
        Link l = require(link, "set " + link + " up (RTM_NEWLINK)");
        links.put(link, new Link(l.index(), l.name(), l.kind(), l.masterIndex(), l.mtu(), l.mac(), true));
    }

    @Override
    public void setDown(String link) {
        Link l = require(link, "set " + link + " down (RTM_NEWLINK)");
        links.put(link, new Link(l.index(), l.name(), l.kind(), l.masterIndex(), l.mtu(), l.mac(), false));
    }

    @Override
    public void setMtu(String link, int mtu) {
        Wire.mtu(mtu);
        Link l = require(link, "set " + link + " mtu " + mtu + " (RTM_NEWLINK)");
        links.put(link, new Link(l.index(), l.name(), l.kind(), l.masterIndex(), mtu, l.mac(), l.up()));
    }

    @Override
    public void setMac(String link, String mac) {
        String normal = Wire.mac(Wire.mac(mac));
        Link l = require(link, "set " + link + " address " + mac + " (RTM_NEWLINK)");
        links.put(link, new Link(l.index(), l.name(), l.kind(), l.masterIndex(), l.mtu(), normal, l.up()));
    }

    @Override
    public void rename(String link, String newName) {
        Wire.linkName(newName);
        Link l = require(link, "find link " + link);
        if (links.containsKey(newName)) {
            throw new NetlinkException("rename " + link + " to " + newName + " (RTM_NEWLINK)", Errno.EEXIST, null);
        }
        links.remove(link);
        links.put(newName, new Link(l.index(), newName, l.kind(), l.masterIndex(), l.mtu(), l.mac(), l.up()));
        String peer = vethPeers.remove(link);
        if (peer != null) {
            vethPeers.put(newName, peer);
            vethPeers.put(peer, newName);
        }
        NetNs elsewhere = peersElsewhere.remove(link);
        if (elsewhere != null) {
            peersElsewhere.put(newName, elsewhere);
        }
        routes.replaceAll(r -> link.equals(r.device()) ? new Route(r.destination(), r.gateway(), newName, r.metric()) : r);
    }

    @Override
    public void deleteLink(String name) {
        Link l = links.remove(Wire.linkName(name));
        if (l == null) {
            return;
        }
        peersElsewhere.remove(name);
        addresses.removeIf(a -> a.linkIndex() == l.index());
        routes.removeIf(r -> name.equals(r.device()));
        proxies.removeIf(p -> name.equals(p.device()));
        links.replaceAll((n, port) -> port.masterIndex() == l.index()
                ? new Link(port.index(), port.name(), port.kind(), 0, port.mtu(), port.mac(), port.up()) : port);
        String peer = vethPeers.remove(name);
        if (peer != null) {
            vethPeers.remove(peer);
            deleteLink(peer);
        }
    }

    @Override
    public List<Address> addresses(String link) {
        int index = require(link, "find link " + link).index();
        return addresses.stream().filter(a -> a.linkIndex() == index).toList();
    }

    @Override
    public void addAddress(String link, IpAddress ip, int prefix) {
        Address wanted = new Address(require(link, "find link " + link).index(), ip, prefix);
        boolean clash = addresses.stream().anyMatch(a -> a.linkIndex() == wanted.linkIndex() && a.ip().equals(ip)
                && (ip.family() == 6 || a.prefix() == prefix));
        if (addresses.contains(wanted)) {
            return;
        }
        if (clash) {
            throw new NetlinkException("add address " + ip + "/" + prefix + " to " + link + " (RTM_NEWADDR)",
                    Errno.EEXIST, ip + " is already on " + link + " with another prefix length");
        }
        addresses.add(wanted);
    }

    @Override
    public void deleteAddress(String link, IpAddress ip, int prefix) {
        Link l = links.get(Wire.linkName(link));
        if (l != null) {
            addresses.remove(new Address(l.index(), ip, prefix));
        }
    }

    @Override
    public List<Route> routes(int family) {
        Wire.af(family);
        return routes.stream().filter(r -> r.family() == family).toList();
    }

    @Override
    public void addRoute(Route route) {
        Route r = normalize(route);
        if (routes.stream().anyMatch(x -> sameKey(x, r))) {
            throw new NetlinkException("add route " + route + " (RTM_NEWROUTE)", Errno.EEXIST, null);
        }
        routes.add(r);
    }

    @Override
    public void replaceRoute(Route route) {
        Route r = normalize(route);
        routes.removeIf(x -> sameKey(x, r));
        routes.add(r);
    }

    @Override
    public void deleteRoute(Route route) {
        routes.stream().filter(x -> x.destination().equals(route.destination())
                        && (route.gateway() == null || route.gateway().equals(x.gateway()))
                        && (route.device() == null || route.device().equals(x.device()))
                        && (route.metric() == 0 || route.metric() == x.metric()))
                .findFirst().ifPresent(routes::remove);
    }

    @Override
    public List<ProxyNeighbor> proxyNeighbors(int family) {
        Wire.af(family);
        return proxies.stream().filter(p -> p.ip().family() == family).toList();
    }

    @Override
    public void addProxyNeighbor(ProxyNeighbor entry) {
        require(entry.device(), "find link " + entry.device());
        if (!proxies.contains(entry)) {
            proxies.add(entry);
        }
    }

    @Override
    public void deleteProxyNeighbor(ProxyNeighbor entry) {
        proxies.remove(entry);
    }

    /** The kernel stores IPv6 metric 0 as 1024, and needs the device to exist. */
    private Route normalize(Route route) {
        if (route.device() != null) {
            require(route.device(), "find link " + route.device());
        }
        return route.family() == 6 && route.metric() == 0 ? route.withMetric(1024) : route;
    }

    /** A main-table route is keyed by destination and metric: a second gateway is not a second route. */
    private static boolean sameKey(Route a, Route b) {
        return a.destination().equals(b.destination()) && a.metric() == b.metric();
    }

    private void add(String name, String kind, int mtu) {
        int index = nextIndex++;
        String mac = String.format("02:fa:%02x:%02x:%02x:%02x", (index >> 24) & 0xff, (index >> 16) & 0xff,
                (index >> 8) & 0xff, index & 0xff);
        links.put(name, new Link(index, name, kind, 0, mtu, mac, false));
    }

    private Link require(String name, String operation) {
        Link l = links.get(Wire.linkName(name));
        if (l == null) {
            throw new NetlinkException(operation, Errno.ENODEV, "no link named " + name);
        }
        return l;
    }
}
