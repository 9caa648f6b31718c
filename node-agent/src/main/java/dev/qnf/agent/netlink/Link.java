package dev.qnf.agent.netlink;

/**
 * A network interface as the kernel reports it.
 *
 * @param index       ifindex
 * @param name        IFLA_IFNAME
 * @param kind        IFLA_INFO_KIND ("bridge", "veth", ...), "" for devices without one (loopback, physical)
 * @param masterIndex IFLA_MASTER (the bridge a port belongs to), 0 for none
 * @param mtu         IFLA_MTU
 * @param mac         IFLA_ADDRESS as "aa:bb:cc:dd:ee:ff", "" for links without a hardware address
 * @param up          administratively up (IFF_UP), which is what {@code ip link set up} sets
 */
public record Link(int index, String name, String kind, int masterIndex, int mtu, String mac, boolean up) {
    public boolean isBridge() {
        return "bridge".equals(kind);
    }
}
