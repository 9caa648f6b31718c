package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.IpAddress;

/**
 * A proxy neighbour entry ({@code ip -6 neigh add proxy IP dev LINK}): with {@code proxy_ndp} on, the host answers
 * neighbour solicitations for {@code ip} arriving on {@code device}, as proxy ARP does for IPv4 (IPv6 has no
 * "answer for whatever is routed elsewhere" switch; entries are per address).
 */
public record ProxyNeighbor(IpAddress ip, String device) {
}
