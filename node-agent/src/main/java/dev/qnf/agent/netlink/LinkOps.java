package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.net.IpAddress;

import java.util.List;
import java.util.Optional;

/**
 * The kernel operations the agent's reconcile logic needs, in one network namespace: links, addresses, routes.
 * Reconcile code depends on this interface so it can run against a fake; {@link Rtnetlink} is the real thing.
 *
 * <p>Idempotency is part of the contract, because reconcile retries: deletes treat "already gone" as success,
 * {@link #addAddress} treats "already there" as success, {@link #createBridge} returns an existing bridge.
 * {@link #createVeth} and {@link #addRoute} are strict (EEXIST is an error); use {@link #replaceRoute} to converge.
 * Kernel refusals are {@link NetlinkException}s carrying the errno and the kernel's message; bad arguments
 * (invalid link name, MAC) are IllegalArgumentException before anything is sent.
 */
public interface LinkOps {

    List<Link> links();

    Optional<Link> link(String name);

    /**
     * Creates a bridge (down) whose MTU stays {@code mtu} when ports with another MTU join. If a bridge of that
     * name exists it is returned, with its MTU set to {@code mtu}; a link of another kind is an EEXIST error.
     */
    Link createBridge(String name, int mtu);

    /**
     * Creates a veth pair (both ends down). With {@code peerNamespace} the peer is created directly inside it and
     * never appears in this namespace; null keeps it here. EEXIST if either name is taken.
     */
    void createVeth(String name, String peerName, int mtu, NetNs peerNamespace);

    /** Makes {@code link} a port of {@code bridge}; a null bridge detaches it from any. */
    void setMaster(String link, String bridge);

    void setUp(String link);

    void setDown(String link);

    void setMtu(String link, int mtu);

    /** Sets the hardware address, "aa:bb:cc:dd:ee:ff". */
    void setMac(String link, String mac);

    /** Renames a link, keeping its index. Older kernels refuse while the link is up (EBUSY). */
    void rename(String link, String newName);

    /** Deletes a link (a veth takes its peer with it); a missing link is not an error. */
    void deleteLink(String name);

    /** The addresses on {@code link}, both families, including kernel-made IPv6 link-local ones. */
    List<Address> addresses(String link);

    /** Adds {@code ip/prefix} (IPv6 without DAD). Present already with the same prefix: not an error. */
    void addAddress(String link, IpAddress ip, int prefix);

    /** Removes {@code ip/prefix}; a missing address or link is not an error. */
    void deleteAddress(String link, IpAddress ip, int prefix);

    /** Unicast routes of the main table, family 4 or 6. */
    List<Route> routes(int family);

    /** Adds a route; EEXIST if a route with the same key (destination, metric, table) exists. */
    void addRoute(Route route);

    /** Adds or overwrites the route with the same key: the converging form of {@link #addRoute}. */
    void replaceRoute(Route route);

    /** Deletes a route; a missing route (or device) is not an error. */
    void deleteRoute(Route route);

    /** Proxy neighbour entries of family 4 or 6 on every link. */
    List<ProxyNeighbor> proxyNeighbors(int family);

    /** Adds a proxy neighbour entry; present already: not an error. */
    void addProxyNeighbor(ProxyNeighbor entry);

    /** Removes a proxy neighbour entry; a missing entry or link is not an error. */
    void deleteProxyNeighbor(ProxyNeighbor entry);
}
