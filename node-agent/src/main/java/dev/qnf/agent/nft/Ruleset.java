package dev.qnf.agent.nft;

import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this node's QNF firewall and NAT should be: the networks that have a bridge here, the local endpoints on them,
 * the published ports and the policy to enforce ({@link PolicyPlan}). An immutable value, checked when built, so the compiler only ever sees states it can
 * render. The agent's reconcile logic derives one from the fabric state and hands it to a {@link Firewall}.
 */
public record Ruleset(SortedMap<String, Network> networks, SortedMap<String, Endpoint> endpoints,
                      List<PortMapping> ports, PolicyPlan policy) {
    public static final Ruleset EMPTY = of(List.of(), List.of(), List.of());

    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    /**
     * A network with a bridge on this node. {@code nat}: its endpoints reach the outside, masqueraded behind the
     * host's address; without it the network is internal (no egress, no ingress but published ports).
     */
    public record Network(String name, String bridge, Cidr cidr4, Cidr cidr6, boolean nat) {
        public Network {
            Names.network(name);
            if (bridge == null || !IFNAME.matcher(bridge).matches()) {
                throw new IllegalArgumentException("network " + name + ": bridge '" + bridge
                        + "' is not an interface name (1-15 letters, digits, '_', '.', '-')");
            }
            if (cidr4 == null && cidr6 == null) {
                throw new IllegalArgumentException("network " + name + " has no prefix");
            }
            checkFamily(cidr4, 4, "network " + name + " cidr4");
            checkFamily(cidr6, 6, "network " + name + " cidr6");
        }

        public static Network of(String name, String bridge, String cidr4, boolean nat) {
            return new Network(name, bridge, Cidr.parse(cidr4), null, nat);
        }

        public static Network dualStack(String name, String bridge, String cidr4, String cidr6, boolean nat) {
            return new Network(name, bridge, Cidr.parse(cidr4), Cidr.parse(cidr6), nat);
        }

        public Cidr cidr(int family) {
            return family == 4 ? cidr4 : cidr6;
        }
    }

    /**
     * A local endpoint: its addresses and its identity, the number policies match on (0: none; the identity the
     * {@link PolicyPlan} gives its addresses then applies, if any). {@code port}: the bridge port its container is
     * plugged into, when known; a port is held to the endpoint's own addresses and MAC ({@link PortGuard}).
     */
    public record Endpoint(String id, String network, IpAddress ip4, IpAddress ip6, int identity, Port port) {
        public Endpoint(String id, String network, IpAddress ip4, IpAddress ip6, int identity) {
            this(id, network, ip4, ip6, identity, null);
        }

        public Endpoint {
            Names.endpoint(id);
            Objects.requireNonNull(network, "network");
            if (ip4 == null && ip6 == null) {
                throw new IllegalArgumentException("endpoint " + id + " has no address");
            }
            checkFamily(ip4, 4, "endpoint " + id + " ip4");
            checkFamily(ip6, 6, "endpoint " + id + " ip6");
            if (identity < 0) {
                throw new IllegalArgumentException("endpoint " + id + ": identity " + identity + " is negative");
            }
        }

        public static Endpoint of(String id, String network, String ip4, int identity) {
            return new Endpoint(id, network, IpAddress.parse(ip4), null, identity);
        }

        public static Endpoint dualStack(String id, String network, String ip4, String ip6, int identity) {
            return new Endpoint(id, network, IpAddress.parse(ip4), IpAddress.parse(ip6), identity);
        }

        public IpAddress ip(int family) {
            return family == 4 ? ip4 : ip6;
        }

        /** The same endpoint, plugged into bridge port {@code ifname} with container MAC {@code mac} (null: unknown). */
        public Endpoint onPort(String ifname, String mac) {
            return new Endpoint(id, network, ip4, ip6, identity, new Port(ifname, mac));
        }

        Stream<IpAddress> addresses() {
            return Stream.of(ip4, ip6).filter(Objects::nonNull);
        }
    }

    /**
     * The host end of a container's veth, a port of its network's bridge, and the MAC of the container's end (null
     * when the agent does not know it: then only the addresses are checked).
     */
    public record Port(String ifname, String mac) {
        private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

        public Port {
            if (ifname == null || !IFNAME.matcher(ifname).matches()) {
                throw new IllegalArgumentException("port '" + ifname
                        + "' is not an interface name (1-15 letters, digits, '_', '.', '-')");
            }
            if (mac != null) {
                mac = mac.toLowerCase(Locale.ROOT);
                if (!isMac(mac)) {
                    throw new IllegalArgumentException("port " + ifname + ": MAC '" + mac
                            + "' is not six hex bytes separated by ':'");
                }
            }
        }

        /**
         * The container's IPv6 link-local address: fe80:: with the modified EUI-64 interface identifier of its MAC
         * (RFC 4291 appendix A: ff:fe in the middle, the universal/local bit flipped), which is what the kernel
         * generates because the agent pins the container's interface to EUI-64 address generation before bringing
         * it up ({@code Plumbing}); null when the MAC is unknown.
         */
        public IpAddress linkLocal() {
            if (mac == null) {
                return null;
            }
            byte[] m = java.util.HexFormat.ofDelimiter(":").parseHex(mac);
            byte[] a = new byte[16];
            a[0] = (byte) 0xfe;
            a[1] = (byte) 0x80;
            a[8] = (byte) (m[0] ^ 0x02);
            a[9] = m[1];
            a[10] = m[2];
            a[11] = (byte) 0xff;
            a[12] = (byte) 0xfe;
            a[13] = m[3];
            a[14] = m[4];
            a[15] = m[5];
            return IpAddress.of(6, new java.math.BigInteger(1, a));
        }

        /** "0a:58:0a:01:00:02" (either case). */
        public static boolean isMac(String text) {
            return text != null && MAC.matcher(text.toLowerCase(Locale.ROOT)).matches();
        }
    }

    public enum Protocol {
        TCP, UDP;

        String nft() {
            return name().toLowerCase();
        }
    }

    /** Host port {@code hostPort}/{@code protocol} on every local address forwards to {@code address:port}. */
    public record PortMapping(Protocol protocol, int hostPort, IpAddress address, int port) {
        static final Comparator<PortMapping> ORDER = Comparator.comparing((PortMapping p) -> p.address().family())
                .thenComparing(PortMapping::protocol).thenComparingInt(PortMapping::hostPort);

        public PortMapping {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            checkPort(hostPort, "host port");
            checkPort(port, "port");
        }

        public static PortMapping tcp(int hostPort, String address, int port) {
            return new PortMapping(Protocol.TCP, hostPort, IpAddress.parse(address), port);
        }

        public static PortMapping udp(int hostPort, String address, int port) {
            return new PortMapping(Protocol.UDP, hostPort, IpAddress.parse(address), port);
        }

        private static void checkPort(int port, String what) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(what + " " + port + " out of range 1..65535");
            }
        }
    }

    public Ruleset(SortedMap<String, Network> networks, SortedMap<String, Endpoint> endpoints,
                   List<PortMapping> ports) {
        this(networks, endpoints, ports, PolicyPlan.OPEN);
    }

    public Ruleset {
        Objects.requireNonNull(policy, "policy");
        networks = immutableSorted(networks);
        ports = ports.stream().sorted(PortMapping.ORDER).toList();
        validate(networks, ports);
        // endpoints derived from a checked state by a few changes were checked by those ({@link #withEndpoints})
        endpoints = Endpoints.of(networks, endpoints);
    }

    public static Ruleset of(Collection<Network> networks, Collection<Endpoint> endpoints,
                             Collection<PortMapping> ports) {
        SortedMap<String, Network> n = new TreeMap<>();
        for (Network net : networks) {
            if (n.put(net.name(), net) != null) {
                throw new IllegalArgumentException("network " + net.name() + " given twice");
            }
        }
        SortedMap<String, Endpoint> e = new TreeMap<>();
        for (Endpoint ep : endpoints) {
            if (e.put(ep.id(), ep) != null) {
                throw new IllegalArgumentException("endpoint " + ep.id() + " given twice");
            }
        }
        return new Ruleset(n, e, List.copyOf(ports));
    }

    public Ruleset withPolicy(PolicyPlan plan) {
        return new Ruleset(networks, endpoints, ports, plan);
    }

    public Ruleset withNetwork(Network network) {
        SortedMap<String, Network> n = new TreeMap<>(networks);
        n.put(network.name(), network);
        return new Ruleset(n, endpoints, ports, policy);
    }

    /** Without the network, its endpoints and the port mappings to them. */
    public Ruleset withoutNetwork(String name) {
        Network gone = networks.get(name);
        if (gone == null) {
            return this;
        }
        SortedMap<String, Network> n = new TreeMap<>(networks);
        n.remove(name);
        SortedMap<String, Endpoint> e = new TreeMap<>(endpoints);
        e.values().removeIf(ep -> ep.network().equals(name));
        List<PortMapping> p = ports.stream().filter(pm -> {
            Cidr c = gone.cidr(pm.address().family());
            return c == null || !c.contains(pm.address());
        }).toList();
        return new Ruleset(n, e, p, policy);
    }

    public Ruleset withEndpoint(Endpoint endpoint) {
        return withEndpoints(Collections.singletonMap(endpoint.id(), endpoint));
    }

    public Ruleset withoutEndpoint(String id) {
        return withEndpoints(Collections.singletonMap(id, null));
    }

    /**
     * With the endpoints of {@code changes} (id → endpoint; null: removed), checking only those: what the agent
     * does on a CNI ADD or a watch event, whatever the number of other endpoints. Same result and same errors as a
     * state built whole.
     */
    public Ruleset withEndpoints(Map<String, Endpoint> changes) {
        return new Ruleset(networks, ((Endpoints) endpoints).with(changes), ports, policy);
    }

    /** The same endpoints and networks with other port mappings and policy (the endpoints are not checked again). */
    public Ruleset withPortsAndPolicy(List<PortMapping> ports, PolicyPlan plan) {
        return new Ruleset(networks, endpoints, ports, plan);
    }

    /** The local endpoint holding {@code address}, if any. */
    Endpoint holderOf(IpAddress address) {
        return ((Endpoints) endpoints).holder(address);
    }

    /**
     * The local endpoints that differ from {@code previous} to this state: by the recorded changes when these
     * endpoints were derived from {@code previous}'s, else by comparing the two maps. What the layout's per-endpoint
     * sets are derived by.
     */
    EndpointChanges endpointChangesFrom(Ruleset previous) {
        java.util.List<Endpoint> gone = new java.util.ArrayList<>();
        java.util.List<Endpoint> came = new java.util.ArrayList<>();
        SortedMap<String, Endpoint> recorded = ((Endpoints) endpoints).changesFrom(previous.endpoints());
        if (recorded != null) {
            recorded.forEach((id, ep) -> {
                Endpoint old = previous.endpoints().get(id);
                if (old != null) {
                    gone.add(old);
                }
                if (ep != null) {
                    came.add(ep);
                }
            });
        } else if (previous.endpoints() != endpoints) {
            previous.endpoints().forEach((id, ep) -> {
                if (!ep.equals(endpoints.get(id))) {
                    gone.add(ep);
                }
            });
            endpoints.forEach((id, ep) -> {
                if (!ep.equals(previous.endpoints().get(id))) {
                    came.add(ep);
                }
            });
        }
        return new EndpointChanges(gone, came);
    }

    /** Local endpoints that changed: the old versions (and removed ones), and the new versions (and added ones). */
    record EndpointChanges(List<Endpoint> gone, List<Endpoint> came) {
    }

    /** With the mapping, replacing any mapping of the same host port, protocol and family. */
    public Ruleset withPort(PortMapping mapping) {
        return new Ruleset(networks, endpoints, Stream.concat(
                ports.stream().filter(p -> PortMapping.ORDER.compare(p, mapping) != 0), Stream.of(mapping)).toList(),
                policy);
    }

    public Ruleset withoutPort(Protocol protocol, int hostPort, int family) {
        return new Ruleset(networks, endpoints, ports.stream().filter(p -> !(p.protocol() == protocol
                && p.hostPort() == hostPort && p.address().family() == family)).toList(), policy);
    }

    public boolean dualStack() {
        return networks.values().stream().anyMatch(n -> n.cidr6() != null);
    }

    /** The networks and port mappings; the endpoints are checked by {@link Endpoints}. */
    private static void validate(Map<String, Network> networks, List<PortMapping> ports) {
        Map<String, String> bridges = new HashMap<>();
        networks.forEach((name, n) -> {
            if (!name.equals(n.name())) {
                throw new IllegalArgumentException("network " + n.name() + " filed under '" + name + "'");
            }
            String other = bridges.put(n.bridge(), name);
            if (other != null) {
                throw new IllegalArgumentException("networks " + other + " and " + name + " share bridge "
                        + n.bridge());
            }
            for (Network m : networks.values()) {
                for (int family : new int[]{4, 6}) {
                    Cidr a = n.cidr(family);
                    Cidr b = m.cidr(family);
                    if (m.name().compareTo(name) < 0 && a != null && b != null && a.overlaps(b)) {
                        throw new IllegalArgumentException("networks " + m.name() + " (" + b + ") and " + name
                                + " (" + a + ") overlap; one node cannot route both");
                    }
                }
            }
        });
        for (int i = 1; i < ports.size(); i++) {
            if (PortMapping.ORDER.compare(ports.get(i - 1), ports.get(i)) == 0) {
                PortMapping p = ports.get(i);
                throw new IllegalArgumentException("host port " + p.protocol().nft() + "/" + p.hostPort()
                        + " (IPv" + p.address().family() + ") is mapped twice");
            }
        }
        for (PortMapping p : ports) {
            boolean inside = networks.values().stream().anyMatch(n -> {
                Cidr c = n.cidr(p.address().family());
                return c != null && c.contains(p.address());
            });
            if (!inside) {
                throw new IllegalArgumentException("port mapping " + p.protocol().nft() + "/" + p.hostPort() + " -> "
                        + p.address() + " points outside every QNF network");
            }
        }
    }

    private static void checkFamily(Cidr value, int family, String what) {
        if (value != null && value.family() != family) {
            throw new IllegalArgumentException(what + " " + value + " is not IPv" + family);
        }
    }

    private static void checkFamily(IpAddress value, int family, String what) {
        if (value != null && value.family() != family) {
            throw new IllegalArgumentException(what + " " + value + " is not IPv" + family);
        }
    }

    private static <V> SortedMap<String, V> immutableSorted(Map<String, V> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
