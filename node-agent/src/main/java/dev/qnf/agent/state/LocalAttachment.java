package dev.qnf.agent.state;

import dev.qnf.api.json.NetworkView;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container interface this host plugged in through CNI ADD, as the agent recorded it. It is what DEL, CHECK, GC
 * and a restart rely on when the control plane is away, so it is self-contained: it carries the network's spec as
 * it was when the container was plugged.
 *
 * @param network     QNF network name
 * @param endpoint    the endpoint id in the control plane (derived from container id and interface)
 * @param containerId CNI_CONTAINERID
 * @param ifName      CNI_IFNAME, the interface inside the container
 * @param netns       CNI_NETNS, the container's network namespace path
 * @param hostIf      the host end of the veth pair
 * @param mac         the container interface's MAC
 * @param ip          IPv4 address (no prefix), or null
 * @param ip6         IPv6 address (no prefix), or null
 * @param ports       published ports
 * @param labels      the endpoint's labels (name, aliases, user labels) as sent to the control plane
 * @param spec        the network as it was when plugged (prefixes, gateways, MTU, NAT)
 * @param revision    the control-plane revision of the allocation
 */
public record LocalAttachment(String network, String endpoint, String containerId, String ifName, String netns,
                              String hostIf, String mac, String ip, String ip6, List<PortMap> ports,
                              Map<String, String> labels, NetworkView spec, long revision) {
    public LocalAttachment {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(hostIf, "hostIf");
        Objects.requireNonNull(spec, "spec");
        ports = ports == null ? List.of() : List.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** {@code network/endpoint}: unique on the node, and the control plane's key of the endpoint. */
    public String key() {
        return key(network, endpoint);
    }

    public static String key(String network, String endpoint) {
        return network + "/" + endpoint;
    }

    public LocalAttachment withNetns(String netns) {
        return new LocalAttachment(network, endpoint, containerId, ifName, netns, hostIf, mac, ip, ip6, ports, labels,
                spec, revision);
    }
}
