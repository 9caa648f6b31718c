package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything one network's DNS server knows: the names in zone {@code <network>.<domain>}, their addresses, the
 * reverse (PTR) mapping and the SRV services. Immutable: the agent makes a new value whenever the state changes and
 * hands it to {@link DnsServer#update}; every query reads one value, so an answer never mixes two versions. A new
 * value is made by what changed ({@link #update}): it shares the persistent tables ({@link ZoneTables}) of the one
 * it came from, which stays whole for the queries still reading it.
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
    private final ZoneTables tables;

    /** The addresses of one name, ready for record building. */
    record Host(List<InetAddress> v4, List<InetAddress> v6) {
    }

    /** One SRV target; {@code target} is an absolute name inside the zone. */
    record Srv(int priority, int weight, int port, Name target) {
    }

    private DnsRecords(String network, String domain, long serial, long ttl, List<Cidr> prefixes, ZoneTables tables) {
        this.network = network;
        this.domain = domain;
        this.zone = tables.zone();
        this.domainName = absolute(domain);
        this.serial = serial;
        this.ttl = ttl;
        this.prefixes = List.copyOf(prefixes);
        this.tables = tables;
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
        return isLabel(chosen) ? Optional.of(chosen) : Optional.empty();
    }

    /** Whether a lower-case string is one DNS label (RFC 1123). */
    static boolean isLabel(String s) {
        return LABEL.matcher(s).matches();
    }

    /** Whether a lower-case string is an RFC 6335 service name (also used for protocols). */
    static boolean isServiceName(String s) {
        return SERVICE.matcher(s).matches();
    }

    /**
     * These records with the given endpoints of the network replaced, by id ({@code null}: the endpoint is gone),
     * at {@code serial}. Costs what the changed endpoints claim and what depends on it (their names' aliases and
     * services), not the size of the zone; the result equals a fresh build from the new set of endpoints.
     */
    public DnsRecords update(long serial, Map<String, Endpoint> changed) {
        checkSerial(serial);
        Map<String, ZoneClaims> claims = new HashMap<>();
        changed.forEach((id, e) -> {
            if (e != null && (!network.equals(e.network()) || !id.equals(e.id()))) {
                throw new IllegalArgumentException("endpoint " + e.network() + "/" + e.id() + " given as " + id
                        + " to the records of " + network);
            }
            claims.put(id, e == null ? null : ZoneClaims.of(e));
        });
        return new DnsRecords(network, domain, serial, ttl, prefixes, tables.update(claims));
    }

    /** Whether both answer every query alike (serial included); for tests of the delta path. */
    public boolean sameRecords(DnsRecords o) {
        return network.equals(o.network) && domain.equals(o.domain) && serial == o.serial && ttl == o.ttl
                && prefixes.equals(o.prefixes) && tables.sameAnswers(o.tables);
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
        tables.hostNames().forEach(n -> out.add(n.relativize(zone).toString()));
        return out;
    }

    /** Ids of endpoints left out because they have no valid DNS name (see {@link #dnsName}), sorted. */
    public List<String> unnamed() {
        return List.copyOf(tables.unnamed());
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
        return tables.host(name);
    }

    List<Name> pointers(Name reverse) {
        return tables.pointers(reverse);
    }

    List<Srv> services(Name name) {
        return tables.services(name);
    }

    boolean exists(Name name) {
        return tables.exists(name);
    }

    @Override
    public String toString() {
        return "DnsRecords[" + zone() + " serial " + serial + ", " + tables.hostNames().size() + " names, "
                + tables.serviceCount() + " services]";
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

    private static void checkSerial(long serial) {
        if (serial < 0 || serial > 0xffffffffL) {
            throw new IllegalArgumentException("serial " + serial + " out of range 0..2^32-1");
        }
    }

    /**
     * Collects claims (endpoints, and hosts, aliases and services given directly); {@link #build} makes the tables
     * from them the way {@link #update} does from a change, so aliases and services resolve against the final names.
     */
    public static final class Builder {
        private final String network;
        private String domain = DEFAULT_DOMAIN;
        private long serial;
        private Duration ttl = DEFAULT_TTL;
        private final List<Cidr> prefixes = new ArrayList<>();
        /** Claimant → claims: endpoints by id; direct calls by a sequence number that sorts before every id. */
        private final Map<String, ZoneClaims> claims = new LinkedHashMap<>();
        private int calls;

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
            checkSerial(serial);
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
         * The endpoint's records as {@link ZoneClaims#of} decides them: its addresses under its {@link #dnsName},
         * PTR records back to that name, aliases from its {@code alias.qnf.dev/} labels and SRV records from its
         * {@value DnsRecords#SERVICE_LABEL_PREFIX} labels. Endpoints without a valid name are left out and listed by
         * {@link DnsRecords#unnamed()}.
         */
        public Builder endpoint(Endpoint e) {
            if (!network.equals(e.network())) {
                throw new IllegalArgumentException("endpoint " + e.id() + " of network " + e.network()
                        + " given to the records of " + network);
            }
            claims.put(e.id(), ZoneClaims.of(e));
            return this;
        }

        public Builder endpoints(Collection<Endpoint> endpoints) {
            endpoints.forEach(this::endpoint);
            return this;
        }

        /** An address for {@code name}, with a PTR record back to it. Several addresses per name are fine. */
        public Builder host(String name, IpAddress address) {
            return direct(ZoneClaims.host(label("name", name), address));
        }

        /**
         * Another name for {@code target}'s addresses (A/AAAA records, not a CNAME; no PTR). Ignored if
         * {@code alias} is itself a name with addresses, or if {@code target} has none when {@link #build} runs; of
         * two aliases of one name, the later wins.
         */
        public Builder alias(String alias, String target) {
            return direct(ZoneClaims.alias(label("alias", alias), label("alias target", target)));
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
            return direct(ZoneClaims.service(new ZoneClaims.Service(key, label("service target", target), port,
                    priority, weight)));
        }

        /** A direct claim, under a claimant that sorts after the earlier direct ones and before every endpoint id. */
        private Builder direct(ZoneClaims c) {
            claims.put(String.format("\0%08d", calls++), c);
            return this;
        }

        public DnsRecords build() {
            Name zone = absolute(network + "." + domain);
            return new DnsRecords(network, domain, serial, ttl.toSeconds(), prefixes,
                    ZoneTables.empty(zone).update(claims));
        }

        private static String label(String what, String value) {
            String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
            if (!isLabel(v)) {
                throw new IllegalArgumentException(what + " '" + value
                        + "' is not a DNS label (1-63 letters, digits or '-', not starting or ending with '-')");
            }
            return v;
        }

        private static String serviceLabel(String what, String value) {
            String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
            v = v.startsWith("_") ? v.substring(1) : v;
            if (!isServiceName(v)) {
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
