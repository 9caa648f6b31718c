package dev.qnf.agent.nft;

import dev.qnf.fabric.net.IpAddress;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * Checks and freezes a plan's identity → addresses map: identities are positive and no address has two of them.
 * A persistent map of persistent sets (what the agent's address book hands over, sharing the sets of identities that
 * did not change) is kept as it is and checked against the last one checked, so one endpoint more costs the check
 * of its identity's addresses, not of all of them; any other map is copied and checked whole.
 */
final class IdentityAddresses {
    /** The last persistent map checked, and address → identity for it. */
    private record Checked(PSortedMap<Integer, ?> map, PMap<IpAddress, Integer> holder) {
    }

    private static volatile Checked last;

    private IdentityAddresses() {
    }

    @SuppressWarnings("unchecked")
    static SortedMap<Integer, SortedSet<IpAddress>> checked(SortedMap<Integer, SortedSet<IpAddress>> identities,
                                                           IntConsumer checkIdentity) {
        if (identities instanceof PSortedMap<?, ?> p && p.values().stream().allMatch(s -> s instanceof PSortedSet)) {
            checkPersistent((PSortedMap<Integer, SortedSet<IpAddress>>) p, checkIdentity);
            return identities;
        }
        SortedMap<Integer, SortedSet<IpAddress>> ids = new TreeMap<>();
        Map<IpAddress, Integer> holder = new HashMap<>();
        identities.forEach((id, addresses) -> {
            checkIdentity.accept(id);
            for (IpAddress a : addresses) {
                conflict(a, holder.put(a, id), id);
            }
            ids.put(id, Collections.unmodifiableSortedSet(new TreeSet<>(addresses)));
        });
        return Collections.unmodifiableSortedMap(ids);
    }

    private static void checkPersistent(PSortedMap<Integer, SortedSet<IpAddress>> map, IntConsumer checkIdentity) {
        Checked c = last;
        PSortedMap<Integer, ?> before = c == null ? org.pcollections.TreePMap.empty() : c.map();
        PMap<IpAddress, Integer> holder = c == null ? HashTreePMap.empty() : c.holder();
        // first take out the addresses of every identity whose set changed, then put the new sets in: an address
        // that moves from one identity to another is no conflict
        Map<Integer, SortedSet<IpAddress>> changed = new TreeMap<>();
        map.forEach((id, s) -> {
            if (before.get(id) != s) {
                changed.put(id, s);
            }
        });
        before.keySet().stream().filter(id -> !map.containsKey(id)).forEach(id -> changed.put(id, null));
        for (Integer id : changed.keySet()) {
            Object old = before.get(id);
            if (old != null) {
                for (Object a : (SortedSet<?>) old) {
                    if (id.equals(holder.get(a))) {
                        holder = holder.minus(a);
                    }
                }
            }
        }
        for (Map.Entry<Integer, SortedSet<IpAddress>> e : changed.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            checkIdentity.accept(e.getKey());
            for (IpAddress a : e.getValue()) {
                conflict(a, holder.get(a), e.getKey());
                holder = holder.plus(a, e.getKey());
            }
        }
        last = new Checked(map, holder);
    }

    private static void conflict(IpAddress a, Integer other, int id) {
        if (other != null && !Objects.equals(other, id)) {
            throw new IllegalArgumentException("address " + a + " has identities " + other + " and " + id);
        }
    }
}
