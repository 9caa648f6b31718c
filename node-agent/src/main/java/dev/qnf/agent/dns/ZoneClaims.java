package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one endpoint, or one call of {@link DnsRecords.Builder}, puts into a zone: addresses under a name, aliases,
 * SRV targets, or its id as unnamed. {@link #of(Endpoint)} is the one place that decides an endpoint's records; a full
 * build and a delta update both go through it and through {@link ZoneTables}, so they cannot disagree.
 *
 * @param name      the name the addresses are under; null when the endpoint has none (or no addresses)
 * @param addresses sorted
 * @param aliases   alias → target name, sorted by alias
 * @param services  sorted
 * @param unnamed   the endpoint's id when it has no valid DNS name, else null
 */
record ZoneClaims(String name, List<IpAddress> addresses, Map<String, String> aliases, List<Service> services,
                  String unnamed) {

    /** One SRV target claimed under {@code _<service>._<proto>}. */
    record Service(String key, String target, int port, int priority, int weight) implements Comparable<Service> {
        private static final Comparator<Service> ORDER = Comparator.comparing(Service::key)
                .thenComparing(Service::target).thenComparingInt(Service::priority).thenComparingInt(Service::weight)
                .thenComparingInt(Service::port);

        @Override
        public int compareTo(Service o) {
            return ORDER.compare(this, o);
        }
    }

    ZoneClaims {
        addresses = List.copyOf(addresses);
        aliases = Map.copyOf(aliases);
        services = List.copyOf(services);
    }

    static ZoneClaims host(String name, IpAddress address) {
        return new ZoneClaims(name, List.of(address), Map.of(), List.of(), null);
    }

    static ZoneClaims alias(String alias, String target) {
        return new ZoneClaims(null, List.of(), Map.of(alias, target), List.of(), null);
    }

    static ZoneClaims service(Service s) {
        return new ZoneClaims(null, List.of(), Map.of(), List.of(s), null);
    }

    /**
     * An endpoint's records: its addresses under {@link DnsRecords#dnsName}, an alias for each
     * {@link Labels#ALIAS_PREFIX} label that is a DNS label, an SRV target for each usable
     * {@value DnsRecords#SERVICE_LABEL_PREFIX} label. Without a valid name: nothing but its id as unnamed. Labels the
     * agent cannot use are not an error of the endpoint's: they are left out.
     */
    static ZoneClaims of(Endpoint e) {
        Optional<String> dnsName = DnsRecords.dnsName(e);
        if (dnsName.isEmpty()) {
            return new ZoneClaims(null, List.of(), Map.of(), List.of(), e.id());
        }
        String name = dnsName.get();
        List<IpAddress> addresses = new ArrayList<>(2);
        if (e.ip() != null) {
            addresses.add(e.ip());
        }
        if (e.ip6() != null) {
            addresses.add(e.ip6());
        }
        addresses.sort(null);
        Map<String, String> aliases = new TreeMap<>();
        List<Service> services = new ArrayList<>();
        e.labels().forEach((key, value) -> {
            if (key.startsWith(Labels.ALIAS_PREFIX)) {
                String alias = key.substring(Labels.ALIAS_PREFIX.length()).toLowerCase(Locale.ROOT);
                if (DnsRecords.isLabel(alias)) {
                    aliases.put(alias, name);
                }
            } else if (key.startsWith(DnsRecords.SERVICE_LABEL_PREFIX)) {
                serviceLabel(name, key, value).ifPresent(services::add);
            }
        });
        services.sort(null);
        return new ZoneClaims(addresses.isEmpty() ? null : name, addresses, aliases, services, null);
    }

    /** {@code srv.qnf.dev/<service>.<proto>=<port>} as an SRV target at {@code name}; empty when unusable. */
    private static Optional<Service> serviceLabel(String name, String key, String value) {
        String[] parts = key.substring(DnsRecords.SERVICE_LABEL_PREFIX.length()).toLowerCase(Locale.ROOT)
                .split("\\.", -1);
        if (parts.length != 2 || !DnsRecords.isServiceName(parts[0]) || !DnsRecords.isServiceName(parts[1])
                || value == null || !value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 0xffff) {
            return Optional.empty();
        }
        return Optional.of(new Service("_" + parts[0] + "._" + parts[1], name, Integer.parseInt(value), 0, 0));
    }
}
