package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything one network's DNS server knows: the names in zone {@code <network>.<domain>}, their addresses, the
 * reverse (PTR) mapping and the SRV services. Immutable: the agent builds a new value whenever the state changes and
 * hands it to {@link DnsServer#update}; every query reads one value, so an answer never mixes two versions.
 *
 * <p>Names are single DNS labels (RFC 1123: letters, digits, '-'), stored lower case; lookups are case-insensitive.
 * An endpoint's name is decided by {@link #dnsName(Endpoint)} and nowhere else.
 */
public final class DnsRecords {
    public static final String DEFAULT_DOMAIN = "qnf.internal";
    /** The endpoint label that names it in DNS; without it, the endpoint id is used. */
    public static final String NAME_LABEL = "name";
    /**
     * Endpoint labels {@code srv.qnf.dev/<service>.<proto>=<port>} publish {@code _<service>._<proto>} SRV records
     * pointing at the endpoint's name, e.g. {@code srv.qnf.dev/http.tcp=8080}.
     */
    public static final String SERVICE_LABEL_PREFIX = "srv.qnf.dev/";
    /** Short, because endpoints come and go; also the negative-caching TTL (SOA minimum). */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** RFC 6335 service names: 1-15 letters, digits and '-'. Protocols are held to the same shape. */
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

    private final String network;
    private final String domain;
    private final Name zone;
    private final Name domainName;
    private final long serial;
    private final long ttl;
    private final List<Cidr> prefixes;
    private final Map<Name, Host> hosts;
    private final Map<Name, List<Name>> pointers;
    private final Map<Name, List<Srv>> services;
    /** Every owner name plus its ancestors below the zone apex, so empty non-terminals answer NODATA. */
    private final Set<Name> names;
    private final List<String> unnamed;

    /** The addresses of one name, ready for record building. */
    record Host(List<InetAddress> v4, List<InetAddress> v6) {
    }

    /** One SRV target; {@code target} is an absolute name inside the zone. */
    record Srv(int priority, int weight, int port, Name target) {
    }

    private DnsRecords(Builder b, Map<Name, Host> hosts, Map<Name, List<Name>> pointers,
                       Map<Name, List<Srv>> services, Set<Name> names, List<String> unnamed) {
        this.network = b.network;
        this.domain = b.domain;
        this.zone = absolute(b.network + "." + b.domain);
        this.domainName = absolute(b.domain);
        this.serial = b.serial;
        this.ttl = b.ttl.toSeconds();
        this.prefixes = List.copyOf(b.prefixes);
        this.hosts = Map.copyOf(hosts);
        this.pointers = Map.copyOf(pointers);
        this.services = Map.copyOf(services);
        this.names = Set.copyOf(names);
        this.unnamed = List.copyOf(unnamed);
    }

    public static Builder builder(String network) {
        return new Builder(network);
    }

    /** A zone with no names yet: everything in it is NXDOMAIN, everything outside is forwarded. */
    public static DnsRecords empty(String network) {
        return builder(network).build();
    }

    /** The records for {@code network}: its endpoints (others are ignored) and PTR authority over its prefixes. */
    public static DnsRecords of(Network network, String domain, long serial, Collection<Endpoint> endpoints) {
        Builder b = builder(network.name()).domain(domain).serial(serial).network(network);
        endpoints.stream().filter(e -> network.name().equals(e.network())).forEach(b::endpoint);
        return b.build();
    }

    /**
     * The one rule for an endpoint's DNS name: its {@value #NAME_LABEL} label if present, else its id, lower-cased.
     * Empty when that is not a valid DNS label (a 64-character container id, an id with '_' or '.'); a bad name
     * label does not fall back to the id.
     */
    public static Optional<String> dnsName(Endpoint endpoint) {
        String name = endpoint.labels().get(NAME_LABEL);
        String chosen = (name != null ? name : endpoint.id()).toLowerCase(Locale.ROOT);
        return LABEL.matcher(chosen).matches() ? Optional.of(chosen) : Optional.empty();
    }

    /**
     * The search list a container on {@code network} gets: its network's zone only. The bare domain is left out on
     * purpose: it adds nothing that resolves (other networks' names are NXDOMAIN) and resolvers that query every
     * search domain, such as busybox's nslookup, report its NXDOMAIN as a failed lookup (see docs/dns.md).
     */
    public static List<String> searchDomains(String network, String domain) {
        return List.of(network + "." + domain);
    }

    public String network() {
        return network;
    }

    public String domain() {
        return domain;
    }

    /** The forward zone, {@code <network>.<domain>}, without a trailing dot. */
    public String zone() {
        return network + "." + domain;
    }

    public long serial() {
        return serial;
    }

    public Duration ttl() {
        return Duration.ofSeconds(ttl);
    }

    /** The names with addresses (endpoints, hosts and aliases), relative to the zone, sorted. */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        hosts.keySet().forEach(n -> out.add(n.relativize(zone).toString()));
        return out;
    }

    /** Ids of endpoints left out because they have no valid DNS name (see {@link #dnsName}). */
    public List<String> unnamed() {
        return unnamed;
    }

    Name zoneName() {
        return zone;
    }

    Name domainName() {
        return domainName;
    }

    long ttlSeconds() {
        return ttl;
    }

    List<Cidr> prefixes() {
        return prefixes;
    }

    Host host(Name name) {
        return hosts.get(name);
    }

    List<Name> pointers(Name reverse) {
        return pointers.get(reverse);
    }

    List<Srv> services(Name name) {
        return services.get(name);
    }

    boolean exists(Name name) {
        return names.contains(name);
    }

    @Override
    public String toString() {
        return "DnsRecords[" + zone() + " serial " + serial + ", " + hosts.size() + " names, "
                + services.size() + " services]";
    }

    static Name absolute(String text) {
        try {
            return Name.fromString(text, Name.root).canonicalize();
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a DNS name", e);
        }
    }

    static InetAddress inet(IpAddress a) {
        byte[] raw = a.value().toByteArray();
        byte[] bytes = new byte[a.family() == 4 ? 4 : 16];
        int n = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - n, bytes, bytes.length - n, n);
        try {
            // Inet6Address keeps an IPv4-mapped address IPv6; InetAddress.getByAddress would collapse it.
            return a.family() == 4 ? Inet4Address.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen for a " + bytes.length + "-byte address", e);
        }
    }

    /** Collects names; {@link #build} resolves aliases and services against the final set of names. */
    public static final class Builder {
        private final String network;
        private String domain = DEFAULT_DOMAIN;
        private long serial;
        private Duration ttl = DEFAULT_TTL;
        private final List<Cidr> prefixes = new ArrayList<>();
        private final Map<String, Set<IpAddress>> addresses = new LinkedHashMap<>();
        private final Map<IpAddress, Set<String>> reverse = new HashMap<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();
        private final Map<String, List<ServiceTarget>> services = new LinkedHashMap<>();
        private final List<String> unnamed = new ArrayList<>();

        private record ServiceTarget(String target, int port, int priority, int weight) {
        }

        private Builder(String network) {
            this.network = Names.network(network);
        }

        /** The QNF domain, {@value DnsRecords#DEFAULT_DOMAIN} unless set; one or more DNS labels. */
        public Builder domain(String domain) {
            String d = domain.toLowerCase(Locale.ROOT);
            d = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
            for (String label : d.split("\\.", -1)) {
                if (!LABEL.matcher(label).matches()) {
                    throw new IllegalArgumentException("domain '" + domain + "' is not a DNS name");
                }
            }
            this.domain = d;
            return this;
        }

        /** The SOA serial; the agent passes the state revision the records were built from. */
        public Builder serial(long serial) {
            if (serial < 0 || serial > 0xffffffffL) {
                throw new IllegalArgumentException("serial " + serial + " out of range 0..2^32-1");
            }
            this.serial = serial;
            return this;
        }

        public Builder ttl(Duration ttl) {
            if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ttl " + ttl + " out of range");
            }
            this.ttl = ttl;
            return this;
        }

        /** Answers PTR queries for the network's prefixes authoritatively (NXDOMAIN for unknown addresses). */
        public Builder network(Network n) {
            if (!n.name().equals(network)) {
                throw new IllegalArgumentException("network " + n.name() + " given to the records of " + network);
            }
            reverseZone(n.cidr());
            if (n.cidr6() != null) {
                reverseZone(n.cidr6());
            }
            return this;
        }

        /** A prefix whose reverse names this server answers for instead of forwarding them. */
        public Builder reverseZone(Cidr prefix) {
            prefixes.add(prefix);
            return this;
        }

        /**
         * The endpoint's addresses under its {@link #dnsName}, PTR records back to that name, and SRV records from
         * its {@value DnsRecords#SERVICE_LABEL_PREFIX} labels. Endpoints without a valid name are left out and
         * listed by {@link DnsRecords#unnamed()}.
         */
        public Builder endpoint(Endpoint e) {
            if (!network.equals(e.network())) {
                throw new IllegalArgumentException("endpoint " + e.id() + " of network " + e.network()
                        + " given to the records of " + network);
            }
            Optional<String> name = dnsName(e);
            if (name.isEmpty()) {
                unnamed.add(e.id());
                return this;
            }
            if (e.ip() != null) {
                host(name.get(), e.ip());
            }
            if (e.ip6() != null) {
                host(name.get(), e.ip6());
            }
            e.labels().forEach((key, value) -> serviceLabel(name.get(), key, value));
            return this;
        }

        public Builder endpoints(Collection<Endpoint> endpoints) {
            endpoints.forEach(this::endpoint);
            return this;
        }

        /** An address for {@code name}, with a PTR record back to it. Several addresses per name are fine. */
        public Builder host(String name, IpAddress address) {
            String n = label("name", name);
            addresses.computeIfAbsent(n, k -> new TreeSet<>()).add(address);
            reverse.computeIfAbsent(address, k -> new TreeSet<>()).add(n);
            return this;
        }

        /**
         * Another name for {@code target}'s addresses (A/AAAA records, not a CNAME; no PTR). Ignored if
         * {@code alias} is itself a name with addresses, or if {@code target} has none when {@link #build} runs.
         */
        public Builder alias(String alias, String target) {
            aliases.put(label("alias", alias), label("alias target", target));
            return this;
        }

        public Builder service(String service, String proto, String target, int port) {
            return service(service, proto, target, port, 0, 0);
        }

        /**
         * An SRV record {@code _<service>._<proto>.<zone>} pointing at {@code target}'s name in the zone. A target
         * without addresses when {@link #build} runs is left out, so no SRV record ever dangles.
         */
        public Builder service(String service, String proto, String target, int port, int priority, int weight) {
            String key = "_" + serviceLabel("service", service) + "._" + serviceLabel("protocol", proto);
            check16("port", port);
            check16("priority", priority);
            check16("weight", weight);
            services.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new ServiceTarget(label("service target", target), port, priority, weight));
            return this;
        }

        private void serviceLabel(String name, String key, String value) {
            if (!key.startsWith(SERVICE_LABEL_PREFIX)) {
                return;
            }
            String[] parts = key.substring(SERVICE_LABEL_PREFIX.length()).toLowerCase(Locale.ROOT).split("\\.", -1);
            if (parts.length != 2 || !SERVICE.matcher(parts[0]).matches() || !SERVICE.matcher(parts[1]).matches()
                    || value == null || !value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 0xffff) {
                return; // a label the agent cannot use is not an error of the endpoint's
            }
            service(parts[0], parts[1], name, Integer.parseInt(value));
        }

        public DnsRecords build() {
            Name zone = absolute(network + "." + domain);
            Map<Name, Host> hosts = new HashMap<>();
            Map<String, Set<IpAddress>> all = new TreeMap<>(addresses);
            aliases.forEach((alias, target) -> {
                if (!all.containsKey(alias) && addresses.containsKey(target)) {
                    all.put(alias, addresses.get(target));
                }
            });
            Set<Name> names = new HashSet<>();
            all.forEach((label, addrs) -> {
                List<InetAddress> v4 = new ArrayList<>();
                List<InetAddress> v6 = new ArrayList<>();
                addrs.forEach(a -> (a.family() == 4 ? v4 : v6).add(inet(a)));
                Name owner = child(label, zone);
                hosts.put(owner, new Host(List.copyOf(v4), List.copyOf(v6)));
                addWithAncestors(names, owner, zone);
            });

            Map<Name, List<Name>> pointers = new HashMap<>();
            Name arpa4 = absolute("in-addr.arpa");
            Name arpa6 = absolute("ip6.arpa");
            reverse.forEach((address, owners) -> {
                Name ptr = ReverseMap.fromAddress(inet(address)).canonicalize();
                pointers.put(ptr, owners.stream().map(o -> child(o, zone)).toList());
                addWithAncestors(names, ptr, address.family() == 4 ? arpa4 : arpa6);
            });

            Map<Name, List<Srv>> srv = new HashMap<>();
            services.forEach((key, targets) -> {
                List<Srv> usable = targets.stream().filter(t -> all.containsKey(t.target()))
                        .map(t -> new Srv(t.priority(), t.weight(), t.port(), child(t.target(), zone)))
                        .distinct().toList();
                if (!usable.isEmpty()) {
                    Name owner = child(key, zone);
                    srv.put(owner, usable);
                    addWithAncestors(names, owner, zone);
                }
            });
            return new DnsRecords(this, hosts, pointers, srv, names, unnamed);
        }

        private static void addWithAncestors(Set<Name> names, Name owner, Name apex) {
            for (Name n = owner; n.labels() > apex.labels(); n = new Name(n, 1)) {
                names.add(n);
            }
        }

        private static Name child(String relative, Name zone) {
            try {
                return Name.concatenate(Name.fromString(relative), zone);
            } catch (TextParseException | NameTooLongException e) {
                throw new IllegalArgumentException("'" + relative + "." + zone + "' is not a valid DNS name", e);
            }
        }

        private static String label(String what, String value) {
            String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
            if (!LABEL.matcher(v).matches()) {
                throw new IllegalArgumentException(what + " '" + value
                        + "' is not a DNS label (1-63 letters, digits or '-', not starting or ending with '-')");
            }
            return v;
        }

        private static String serviceLabel(String what, String value) {
            String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
            v = v.startsWith("_") ? v.substring(1) : v;
            if (!SERVICE.matcher(v).matches()) {
                throw new IllegalArgumentException(what + " '" + value + "' is not a service name (1-15 letters, digits or '-')");
            }
            return v;
        }

        private static void check16(String what, int value) {
            if (value < 0 || value > 0xffff) {
                throw new IllegalArgumentException(what + " " + value + " out of range 0..65535");
            }
        }
    }
}
