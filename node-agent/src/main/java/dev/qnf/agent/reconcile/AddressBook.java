package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which identity each endpoint address holds, cluster-wide (the {@code identities} of the plan), kept from one build
 * to the next and updated by what changed: a network whose endpoint map is the view's same object is skipped, a
 * changed one is walked once by reference, and only the addresses of changed endpoints, of changed local endpoints
 * and of identities that came or went are decided again. There is no separate full computation: the first build is
 * the update of {@link #EMPTY}, so the incremental result is the full one by construction (and
 * {@code IncrementalPlanTest} checks it against a fresh book).
 *
 * <p>Who wins an address held twice (the view is briefly inconsistent, or the local record is newer than the view):
 * a local endpoint over the view, the last local endpoint over earlier ones, and among view endpoints the last in
 * network, then endpoint order. An endpoint whose labels have no identity yet holds nothing, except a local one,
 * which holds {@link PolicyPlanBuilder#UNKNOWN}: it fails closed.
 *
 * <p>Immutable: every field is a persistent map, so one update shares almost all of the previous book.
 */
final class AddressBook {
    static final AddressBook EMPTY = new AddressBook(null, HashTreePMap.empty(), HashTreePMap.empty(),
            HashTreePMap.empty(), HashTreePMap.empty(), LocalIdentities.EMPTY, HashTreePMap.empty(), TreePMap.empty());

    /** The view's identity map this book resolved labels against (compared by reference). */
    private final PMap<Long, Identity> source;
    /** Identity key ({@link #key}) → identity, for {@link #source}. */
    private final PMap<String, Identity> byKey;
    /** Network → its endpoints as last seen: the view's own maps. */
    private final PMap<String, PMap<String, Endpoint>> seen;
    /** Address → (network NUL endpoint id → identity key) of every view endpoint holding it. */
    private final PMap<IpAddress, PSortedMap<String, String>> claims;
    /** Identity key → addresses claimed under it, to find what an identity that comes or goes decides. */
    private final PMap<String, PSet<IpAddress>> byClaimKey;
    /** This host's endpoints, their identities and the addresses they claim (they win). */
    private final LocalIdentities local;
    /** Address → the identity it holds. */
    private final PMap<IpAddress, Integer> holder;
    /** Identity → the addresses holding it: the plan's {@code identities}. */
    private final PSortedMap<Integer, PSortedSet<IpAddress>> identities;

    private AddressBook(PMap<Long, Identity> source, PMap<String, Identity> byKey,
                        PMap<String, PMap<String, Endpoint>> seen, PMap<IpAddress, PSortedMap<String, String>> claims,
                        PMap<String, PSet<IpAddress>> byClaimKey, LocalIdentities local,
                        PMap<IpAddress, Integer> holder, PSortedMap<Integer, PSortedSet<IpAddress>> identities) {
        this.source = source;
        this.byKey = byKey;
        this.seen = seen;
        this.claims = claims;
        this.byClaimKey = byClaimKey;
        this.local = local;
        this.holder = holder;
        this.identities = identities;
    }

    /** Identity → addresses, every endpoint of the fabric that has an identity (and local ones that have none). */
    PSortedMap<Integer, PSortedSet<IpAddress>> identities() {
        return identities;
    }

    /** This host's endpoints with their identities, as of the last update. */
    LocalIdentities local() {
        return local;
    }

    /** This book updated to a view and this host's endpoints. */
    AddressBook update(FabricView view, Collection<Endpoint> local) {
        Update u = new Update(this);
        PMap<Long, Identity> ids = view.policies().identities();
        if (ids != source) {
            u.identities(ids);
        }
        Set<String> present = new HashSet<>();
        for (Network n : view.networks()) {
            present.add(n.name());
            u.network(n.name(), view.endpointMap(n.name()));
        }
        for (String gone : seen.keySet()) {
            if (!present.contains(gone)) {
                u.network(gone, TreePMap.empty());
            }
        }
        u.local(local);
        return u.finish(ids);
    }

    /** One update: the new maps as they are built, and the addresses whose holder must be decided again. */
    private static final class Update {
        final AddressBook from;
        PMap<String, Identity> byKey;
        PMap<String, PMap<String, Endpoint>> seen;
        PMap<IpAddress, PSortedMap<String, String>> claims;
        PMap<String, PSet<IpAddress>> byClaimKey;
        LocalIdentities local;
        final Set<IpAddress> affected = new HashSet<>();

        Update(AddressBook from) {
            this.from = from;
            byKey = from.byKey;
            seen = from.seen;
            claims = from.claims;
            byClaimKey = from.byClaimKey;
            local = from.local;
        }

        /** New identity map: the addresses claimed under keys whose identity changed are decided again. */
        void identities(PMap<Long, Identity> ids) {
            Map<String, Identity> next = new HashMap<>();
            ids.values().forEach(i -> next.put(key(i.network(), i.labels()), i));
            Set<String> changed = new HashSet<>();
            next.forEach((k, i) -> {
                if (!Objects.equals(from.byKey.get(k), i)) {
                    changed.add(k);
                }
            });
            from.byKey.keySet().stream().filter(k -> !next.containsKey(k)).forEach(changed::add);
            byKey = HashTreePMap.from(next);
            for (String k : changed) {
                affected.addAll(byClaimKey.getOrDefault(k, HashTreePSet.empty()));
            }
            // local endpoints are decided again below against the new map (another object: built whole, compared)
        }

        /** One network's endpoints now: walked against what was seen only if the map is another object. */
        void network(String name, PMap<String, Endpoint> now) {
            PMap<String, Endpoint> before = seen.getOrDefault(name, TreePMap.empty());
            if (now == before) {
                return;
            }
            MapDiff.forEachChange(before, now, (id, was, is) -> {
                if (was != null) {
                    unclaim(was);
                }
                if (is != null) {
                    claim(is);
                }
            });
            seen = now.isEmpty() ? seen.minus(name) : seen.plus(name, now);
        }

        private void unclaim(Endpoint e) {
            String k = key(e);
            for (IpAddress a : addresses(e)) {
                PSortedMap<String, String> c = claims.getOrDefault(a, TreePMap.empty()).minus(claimant(e));
                claims = c.isEmpty() ? claims.minus(a) : claims.plus(a, c);
                PSet<IpAddress> s = byClaimKey.getOrDefault(k, HashTreePSet.empty());
                if (!c.containsValue(k)) {
                    s = s.minus(a);
                }
                byClaimKey = s.isEmpty() ? byClaimKey.minus(k) : byClaimKey.plus(k, s);
                affected.add(a);
            }
        }

        private void claim(Endpoint e) {
            String k = key(e);
            for (IpAddress a : addresses(e)) {
                claims = claims.plus(a, claims.getOrDefault(a, TreePMap.empty()).plus(claimant(e), k));
                byClaimKey = byClaimKey.plus(k, byClaimKey.getOrDefault(k, HashTreePSet.empty()).plus(a));
                affected.add(a);
            }
        }

        /** This host's endpoints: derived from the last ones by what changed (see {@link LocalIdentities}). */
        void local(Collection<Endpoint> endpoints) {
            local = local.update(endpoints, byKey, affected);
        }

        AddressBook finish(PMap<Long, Identity> source) {
            PMap<IpAddress, Integer> holder = from.holder;
            PSortedMap<Integer, PSortedSet<IpAddress>> identities = from.identities;
            for (IpAddress a : affected) {
                Integer was = holder.get(a);
                Integer now = winner(a);
                if (Objects.equals(was, now)) {
                    continue;
                }
                if (was != null) {
                    PSortedSet<IpAddress> s = identities.get(was).minus(a);
                    identities = s.isEmpty() ? identities.minus(was) : identities.plus(was, s);
                }
                if (now != null) {
                    holder = holder.plus(a, now);
                    identities = identities.plus(now, identities.getOrDefault(now, TreePSet.empty()).plus(a));
                } else {
                    holder = holder.minus(a);
                }
            }
            return new AddressBook(source, byKey, seen, claims, byClaimKey, local, holder, identities);
        }

        /** Local first; else the last view claim whose labels have an identity. */
        private Integer winner(IpAddress a) {
            Integer mine = local.claims().get(a);
            if (mine != null) {
                return mine;
            }
            PSortedMap<String, String> c = claims.get(a);
            if (c != null) {
                for (String k : c.descendingMap().values()) {
                    Identity i = byKey.get(k);
                    if (i != null) {
                        return PolicyPlanBuilder.number(i);
                    }
                }
            }
            return null;
        }
    }

    /** Network and endpoint id, in the order the view iterates them (NUL sorts before every name character). */
    private static String claimant(Endpoint e) {
        return e.network() + '\0' + e.id();
    }

    static IpAddress[] addresses(Endpoint e) {
        return e.ip() == null ? (e.ip6() == null ? new IpAddress[0] : new IpAddress[]{e.ip6()})
                : e.ip6() == null ? new IpAddress[]{e.ip()} : new IpAddress[]{e.ip(), e.ip6()};
    }

    static String key(Endpoint e) {
        return key(e.network(), Labels.identityLabels(e.labels()));
    }

    static String key(String network, Map<String, String> identityLabels) {
        return network + "|" + Labels.canonical(identityLabels);
    }
}
