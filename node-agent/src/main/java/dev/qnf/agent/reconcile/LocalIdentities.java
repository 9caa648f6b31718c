package dev.qnf.agent.reconcile;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.net.IpAddress;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This host's endpoints and the identity each holds (the one place that decides it): each endpoint's identity by
 * ruleset id (what {@link RulesetBuilder} gives the endpoint), the local identities the policies are compiled for, and
 * the addresses the local endpoints claim (they win over the view's claims in {@link AddressBook}).
 *
 * <p>Kept from one build to the next like {@link RulesetBuilder}'s memo: while the identities are the same map, the
 * next one is derived by the endpoints that are new objects or gone (an endpoint is an immutable record, and the view
 * and the caller hand the same object while it does not change), so one endpoint more costs a lookup per local
 * endpoint instead of its identity key, ruleset id and claims built again. Whatever cannot be derived exactly is built
 * whole: new identities, and any clash (an address or a ruleset id held by two local endpoints, the same object twice),
 * whose winner is the last local endpoint, as the whole build decides; a whole build with a clash is not derived from
 * either, so a derivation never has to find a loser again. {@code IncrementalPlanTest} compares with the whole build.
 *
 * <p>Immutable; the maps handed out are persistent or unmodifiable, and the same object while nothing changed (which
 * {@link PolicyPlanBuilder}'s memos test first).
 */
final class LocalIdentities {
    static final LocalIdentities EMPTY = new LocalIdentities(null, Map.of(), HashTreePMap.empty(), HashTreePMap.empty(),
            TreePMap.empty(), HashTreePMap.empty(), 0, true);

    /** One local endpoint: its ruleset id, its identity key ({@link AddressBook#key}) and identity (null: none yet). */
    private record Entry(String rulesetId, String key, Identity identity) {
        int number() {
            return identity == null ? PolicyPlanBuilder.UNKNOWN : PolicyPlanBuilder.number(identity);
        }
    }

    /** The identity key → identity map the entries were resolved against (compared by reference). */
    private final Map<String, Identity> resolvedBy;
    /** Local endpoint, by object → its entry. */
    private final Map<Endpoint, Entry> byEndpoint;
    private final PMap<String, Integer> byRulesetId;
    private final PMap<IpAddress, Integer> claims;
    private final PSortedMap<Integer, Identity> identities;
    /** Identity number → how many local endpoints hold it (an identity leaves with its last endpoint). */
    private final PMap<Integer, Integer> counts;
    private final int unknown;
    /** False after a whole build that had a clash: the next one is whole too. */
    private final boolean derivable;

    private LocalIdentities(Map<String, Identity> resolvedBy, Map<Endpoint, Entry> byEndpoint,
                            PMap<String, Integer> byRulesetId, PMap<IpAddress, Integer> claims,
                            PSortedMap<Integer, Identity> identities, PMap<Integer, Integer> counts, int unknown,
                            boolean derivable) {
        this.resolvedBy = resolvedBy;
        this.byEndpoint = byEndpoint;
        this.byRulesetId = byRulesetId;
        this.claims = claims;
        this.identities = identities;
        this.counts = counts;
        this.unknown = unknown;
        this.derivable = derivable;
    }

    /** Ruleset id → identity number ({@link PolicyPlanBuilder#UNKNOWN} for an endpoint without one). */
    Map<String, Integer> byRulesetId() {
        return byRulesetId;
    }

    /** Local address → identity number; the last local endpoint claiming an address wins. */
    Map<IpAddress, Integer> claims() {
        return claims;
    }

    /** Identity number → identity, of every local endpoint that has one. */
    Map<Integer, Identity> identities() {
        return identities;
    }

    /** Whether some local endpoint has no identity yet. */
    boolean unknown() {
        return unknown > 0;
    }

    /**
     * These endpoints with identities from {@code byKey}; adds to {@code affected} every address whose local claim
     * may have changed.
     */
    LocalIdentities update(Collection<Endpoint> local, Map<String, Identity> byKey, Set<IpAddress> affected) {
        if (derivable && byKey == resolvedBy) {
            LocalIdentities derived = derived(local, affected);
            if (derived != null) {
                return derived;
            }
        }
        return whole(local, byKey, affected);
    }

    private LocalIdentities whole(Collection<Endpoint> local, Map<String, Identity> byKey, Set<IpAddress> affected) {
        Map<Endpoint, Entry> entries = new IdentityHashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        Map<IpAddress, Integer> next = new HashMap<>();
        Map<Integer, Identity> identitiesNow = new HashMap<>();
        Map<Integer, Integer> countsNow = new HashMap<>();
        int unknownNow = 0;
        boolean clash = false;
        for (Endpoint e : local) {
            Entry was = byEndpoint.get(e);
            String key = was != null ? was.key() : AddressBook.key(e);
            Entry entry = new Entry(was != null ? was.rulesetId() : RulesetBuilder.rulesetId(e), key, byKey.get(key));
            clash |= entries.put(e, entry) != null;
            int n = entry.number();
            clash |= ids.put(entry.rulesetId(), n) != null;
            for (IpAddress a : AddressBook.addresses(e)) {
                clash |= next.put(a, n) != null;
            }
            if (entry.identity() == null) {
                unknownNow++;
            } else {
                identitiesNow.put(n, entry.identity());
                countsNow.merge(n, 1, Integer::sum);
            }
        }
        next.forEach((a, n) -> {
            if (!n.equals(claims.get(a))) {
                affected.add(a);
            }
        });
        for (IpAddress a : claims.keySet()) {
            if (!next.containsKey(a)) {
                affected.add(a);
            }
        }
        return new LocalIdentities(byKey, Collections.unmodifiableMap(entries), HashTreePMap.from(ids),
                HashTreePMap.from(next), TreePMap.from(identitiesNow), HashTreePMap.from(countsNow), unknownNow,
                !clash);
    }

    /** This one changed by the endpoints that are new objects or gone; null on a clash (left to {@link #whole}). */
    private LocalIdentities derived(Collection<Endpoint> local, Set<IpAddress> affected) {
        Map<Endpoint, Entry> entries = new IdentityHashMap<>(byEndpoint.size() + 16);
        List<Endpoint> added = new ArrayList<>();
        for (Endpoint e : local) {
            Entry was = byEndpoint.get(e);
            if (was == null) {
                added.add(e);
                was = new Entry(RulesetBuilder.rulesetId(e), AddressBook.key(e), resolvedBy.get(AddressBook.key(e)));
            }
            if (entries.put(e, was) != null) {
                return null; // the same endpoint twice
            }
        }
        if (added.isEmpty() && entries.size() == byEndpoint.size()) {
            return this; // the same objects: nothing changed
        }
        PMap<String, Integer> ids = byRulesetId;
        PMap<IpAddress, Integer> next = claims;
        PSortedMap<Integer, Identity> identitiesNow = identities;
        PMap<Integer, Integer> countsNow = counts;
        int unknownNow = unknown;
        List<IpAddress> touched = new ArrayList<>();
        // the gone first: an endpoint replaced by a new object of the same id and addresses is no clash
        for (Map.Entry<Endpoint, Entry> g : byEndpoint.entrySet()) {
            if (entries.containsKey(g.getKey())) {
                continue;
            }
            Entry entry = g.getValue();
            ids = ids.minus(entry.rulesetId());
            for (IpAddress a : AddressBook.addresses(g.getKey())) {
                next = next.minus(a);
                touched.add(a);
            }
            if (entry.identity() == null) {
                unknownNow--;
            } else {
                int n = entry.number();
                int left = countsNow.get(n) - 1;
                countsNow = left == 0 ? countsNow.minus(n) : countsNow.plus(n, left);
                identitiesNow = left == 0 ? identitiesNow.minus(n) : identitiesNow;
            }
        }
        for (Endpoint e : added) {
            Entry entry = entries.get(e);
            int n = entry.number();
            if (ids.containsKey(entry.rulesetId())) {
                return null;
            }
            ids = ids.plus(entry.rulesetId(), n);
            for (IpAddress a : AddressBook.addresses(e)) {
                if (next.containsKey(a)) {
                    return null;
                }
                next = next.plus(a, n);
                touched.add(a);
            }
            if (entry.identity() == null) {
                unknownNow++;
            } else {
                countsNow = countsNow.plus(n, countsNow.getOrDefault(n, 0) + 1);
                if (!identitiesNow.containsKey(n)) { // unchanged stays the same object for the memos' test
                    identitiesNow = identitiesNow.plus(n, entry.identity());
                }
            }
        }
        affected.addAll(touched);
        return new LocalIdentities(resolvedBy, Collections.unmodifiableMap(entries), ids, next, identitiesNow,
                countsNow, unknownNow, true);
    }
}
