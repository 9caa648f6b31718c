package dev.qnf.agent.dns;

import dev.qnf.fabric.net.IpAddress;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A zone's records as what each claimant put in ({@link ZoneClaims}, by claimant: an endpoint id, or a builder call)
 * and what is served from that, kept in persistent maps and updated by what changed: a claimant replaced touches the
 * names, addresses and services it claims before and after, and what depends on those (the aliases of a name, the
 * services pointing at it), nothing else. There is no separate full build: a full build is the update of
 * {@link #empty}, so the two agree by construction ({@code ZoneDeltaTest} checks it against fresh builds).
 *
 * <p>The rules, each decided in one place below: a name holds the addresses of every claim under it; an alias gets
 * the addresses of its target, a real name, if the alias is not itself a real name (of several claims of one alias,
 * the claimant that sorts last wins); a PTR names every name holding the address; an SRV target is served only while
 * its name resolves. Immutable: one update shares almost everything with the tables it came from, and readers of
 * the old tables never see the new ones.
 */
final class ZoneTables {
    private static final Name ARPA4 = DnsRecords.absolute("in-addr.arpa");
    private static final Name ARPA6 = DnsRecords.absolute("ip6.arpa");

    private final Name zone;
    /** Claimant → what it claims. */
    private final PMap<String, ZoneClaims> claims;
    /** Real name → address → how many claims. */
    private final PMap<String, PSortedMap<IpAddress, Integer>> addresses;
    /** Address → real names holding it → how many claims. */
    private final PMap<IpAddress, PSortedMap<String, Integer>> owners;
    /** Alias → claimant → target. */
    private final PMap<String, PSortedMap<String, String>> aliases;
    /** Target → aliases claimed for it → how many claims (to find the aliases a changed name affects). */
    private final PMap<String, PSortedMap<String, Integer>> aliasesOf;
    /** Service key ({@code _http._tcp}) → target → how many claims. */
    private final PMap<String, PSortedMap<ZoneClaims.Service, Integer>> services;
    /** Target → service keys pointing at it → how many claims. */
    private final PMap<String, PSortedMap<String, Integer>> servicesOf;
    /** Ids of endpoints without a valid name → how many claims. */
    private final PSortedMap<String, Integer> unnamed;
    // what is served
    private final PMap<Name, DnsRecords.Host> hosts;
    private final PMap<Name, List<Name>> pointers;
    private final PMap<Name, List<DnsRecords.Srv>> srv;
    /** Every owner name and its ancestors below the apex → owners at or below (empty non-terminals answer NODATA). */
    private final PMap<Name, Integer> names;

    private ZoneTables(Name zone, PMap<String, ZoneClaims> claims,
                       PMap<String, PSortedMap<IpAddress, Integer>> addresses,
                       PMap<IpAddress, PSortedMap<String, Integer>> owners,
                       PMap<String, PSortedMap<String, String>> aliases,
                       PMap<String, PSortedMap<String, Integer>> aliasesOf,
                       PMap<String, PSortedMap<ZoneClaims.Service, Integer>> services,
                       PMap<String, PSortedMap<String, Integer>> servicesOf, PSortedMap<String, Integer> unnamed,
                       PMap<Name, DnsRecords.Host> hosts, PMap<Name, List<Name>> pointers,
                       PMap<Name, List<DnsRecords.Srv>> srv, PMap<Name, Integer> names) {
        this.zone = zone;
        this.claims = claims;
        this.addresses = addresses;
        this.owners = owners;
        this.aliases = aliases;
        this.aliasesOf = aliasesOf;
        this.services = services;
        this.servicesOf = servicesOf;
        this.unnamed = unnamed;
        this.hosts = hosts;
        this.pointers = pointers;
        this.srv = srv;
        this.names = names;
    }

    static ZoneTables empty(Name zone) {
        return new ZoneTables(zone, HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(),
                HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(),
                TreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(),
                HashTreePMap.empty());
    }

    /** These tables with each claimant's claims replaced ({@code null}: the claimant is gone). */
    ZoneTables update(Map<String, ZoneClaims> changed) {
        if (changed.isEmpty()) {
            return this;
        }
        Update u = new Update(this);
        changed.forEach((claimant, now) -> {
            ZoneClaims was = u.claims.get(claimant);
            if (Objects.equals(was, now)) {
                return;
            }
            if (was != null) {
                u.retract(claimant, was);
            }
            if (now != null) {
                u.claim(claimant, now);
            }
        });
        return u.finish();
    }

    Name zone() {
        return zone;
    }

    DnsRecords.Host host(Name name) {
        return hosts.get(name);
    }

    List<Name> pointers(Name reverse) {
        return pointers.get(reverse);
    }

    List<DnsRecords.Srv> services(Name name) {
        return srv.get(name);
    }

    boolean exists(Name name) {
        return names.containsKey(name);
    }

    /** The names with addresses (real ones and aliases). */
    Set<Name> hostNames() {
        return hosts.keySet();
    }

    Set<String> unnamed() {
        return unnamed.keySet();
    }

    int serviceCount() {
        return srv.size();
    }

    /** Whether both serve the same answers (the claims behind them may differ). */
    boolean sameAnswers(ZoneTables o) {
        return zone.equals(o.zone) && hosts.equals(o.hosts) && pointers.equals(o.pointers) && srv.equals(o.srv)
                && names.equals(o.names) && unnamed.keySet().equals(o.unnamed.keySet());
    }

    int answersHash() {
        return Objects.hash(zone, hosts, pointers, srv, names, unnamed.keySet());
    }

    /** One update: the new maps as they are built, and what must be decided again. */
    private static final class Update {
        final Name zone;
        PMap<String, ZoneClaims> claims;
        PMap<String, PSortedMap<IpAddress, Integer>> addresses;
        PMap<IpAddress, PSortedMap<String, Integer>> owners;
        PMap<String, PSortedMap<String, String>> aliases;
        PMap<String, PSortedMap<String, Integer>> aliasesOf;
        PMap<String, PSortedMap<ZoneClaims.Service, Integer>> services;
        PMap<String, PSortedMap<String, Integer>> servicesOf;
        PSortedMap<String, Integer> unnamed;
        PMap<Name, DnsRecords.Host> hosts;
        PMap<Name, List<Name>> pointers;
        PMap<Name, List<DnsRecords.Srv>> srv;
        PMap<Name, Integer> names;
        final Set<String> dirtyNames = new HashSet<>();
        final Set<IpAddress> dirtyAddresses = new HashSet<>();
        final Set<String> dirtyServices = new HashSet<>();

        Update(ZoneTables t) {
            zone = t.zone;
            claims = t.claims;
            addresses = t.addresses;
            owners = t.owners;
            aliases = t.aliases;
            aliasesOf = t.aliasesOf;
            services = t.services;
            servicesOf = t.servicesOf;
            unnamed = t.unnamed;
            hosts = t.hosts;
            pointers = t.pointers;
            srv = t.srv;
            names = t.names;
        }

        void claim(String claimant, ZoneClaims c) {
            claims = claims.plus(claimant, c);
            change(claimant, c, +1);
        }

        void retract(String claimant, ZoneClaims c) {
            claims = claims.minus(claimant);
            change(claimant, c, -1);
        }

        private void change(String claimant, ZoneClaims c, int delta) {
            if (c.unnamed() != null) {
                unnamed = count(unnamed, c.unnamed(), delta);
            }
            for (IpAddress a : c.addresses()) {
                addresses = nested(addresses, c.name(), a, delta);
                owners = nested(owners, a, c.name(), delta);
                dirtyNames.add(c.name());
                dirtyAddresses.add(a);
            }
            c.aliases().forEach((alias, target) -> {
                PSortedMap<String, String> by = aliases.getOrDefault(alias, TreePMap.empty());
                by = delta > 0 ? by.plus(claimant, target) : by.minus(claimant);
                aliases = by.isEmpty() ? aliases.minus(alias) : aliases.plus(alias, by);
                aliasesOf = nested(aliasesOf, target, alias, delta);
                dirtyNames.add(alias);
            });
            for (ZoneClaims.Service s : c.services()) {
                services = nested(services, s.key(), s, delta);
                servicesOf = nested(servicesOf, s.target(), s.key(), delta);
                dirtyServices.add(s.key());
            }
        }

        ZoneTables finish() {
            // a name's addresses decide its aliases; a name resolving or not decides the services pointing at it
            for (String name : List.copyOf(dirtyNames)) {
                dirtyNames.addAll(aliasesOf.getOrDefault(name, TreePMap.empty()).keySet());
            }
            for (String name : dirtyNames) {
                dirtyServices.addAll(servicesOf.getOrDefault(name, TreePMap.empty()).keySet());
                Name owner = child(name);
                DnsRecords.Host now = resolve(name);
                DnsRecords.Host was = hosts.get(owner);
                if (!Objects.equals(was, now)) {
                    hosts = now == null ? hosts.minus(owner) : hosts.plus(owner, now);
                    exists(owner, zone, was == null ? 0 : -1, now == null ? 0 : 1);
                }
            }
            for (IpAddress a : dirtyAddresses) {
                Name ptr = ReverseMap.fromAddress(DnsRecords.inet(a)).canonicalize();
                PSortedMap<String, Integer> by = owners.get(a);
                List<Name> now = by == null ? null : by.keySet().stream().map(this::child).toList();
                List<Name> was = pointers.get(ptr);
                if (!Objects.equals(was, now)) {
                    pointers = now == null ? pointers.minus(ptr) : pointers.plus(ptr, now);
                    exists(ptr, a.family() == 4 ? ARPA4 : ARPA6, was == null ? 0 : -1, now == null ? 0 : 1);
                }
            }
            for (String key : dirtyServices) {
                Name owner = child(key);
                List<DnsRecords.Srv> usable = new ArrayList<>();
                services.getOrDefault(key, TreePMap.empty()).keySet().forEach(s -> {
                    if (resolve(s.target()) != null) {
                        usable.add(new DnsRecords.Srv(s.priority(), s.weight(), s.port(), child(s.target())));
                    }
                });
                List<DnsRecords.Srv> now = usable.isEmpty() ? null : List.copyOf(usable);
                List<DnsRecords.Srv> was = srv.get(owner);
                if (!Objects.equals(was, now)) {
                    srv = now == null ? srv.minus(owner) : srv.plus(owner, now);
                    exists(owner, zone, was == null ? 0 : -1, now == null ? 0 : 1);
                }
            }
            return new ZoneTables(zone, claims, addresses, owners, aliases, aliasesOf, services, servicesOf, unnamed,
                    hosts, pointers, srv, names);
        }

        /** A real name's addresses; else, for an alias, those of the winning claim's target; else null. */
        private DnsRecords.Host resolve(String name) {
            PSortedMap<IpAddress, Integer> own = addresses.get(name);
            if (own == null) {
                PSortedMap<String, String> by = aliases.get(name);
                own = by == null ? null : addresses.get(by.get(by.lastKey()));
            }
            if (own == null) {
                return null;
            }
            List<InetAddress> v4 = new ArrayList<>();
            List<InetAddress> v6 = new ArrayList<>();
            own.keySet().forEach(a -> (a.family() == 4 ? v4 : v6).add(DnsRecords.inet(a)));
            return new DnsRecords.Host(List.copyOf(v4), List.copyOf(v6));
        }

        /** An owner that came ({@code +1}) or went ({@code -1}) counts for itself and its ancestors below the apex. */
        private void exists(Name owner, Name apex, int gone, int came) {
            int delta = gone + came;
            if (delta == 0) {
                return;
            }
            for (Name n = owner; n.labels() > apex.labels(); n = new Name(n, 1)) {
                int c = names.getOrDefault(n, 0) + delta;
                names = c == 0 ? names.minus(n) : names.plus(n, c);
            }
        }

        private Name child(String relative) {
            try {
                return Name.concatenate(Name.fromString(relative), zone);
            } catch (TextParseException | NameTooLongException e) {
                throw new IllegalArgumentException("'" + relative + "." + zone + "' is not a valid DNS name", e);
            }
        }
    }

    private static <K> PSortedMap<K, Integer> count(PSortedMap<K, Integer> m, K key, int delta) {
        int c = m.getOrDefault(key, 0) + delta;
        return c == 0 ? m.minus(key) : m.plus(key, c);
    }

    private static <K, V extends Comparable<? super V>> PMap<K, PSortedMap<V, Integer>> nested(
            PMap<K, PSortedMap<V, Integer>> m, K key, V value, int delta) {
        PSortedMap<V, Integer> inner = count(m.getOrDefault(key, TreePMap.empty()), value, delta);
        return inner.isEmpty() ? m.minus(key) : m.plus(key, inner);
    }
}
