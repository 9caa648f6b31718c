package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.TreePMap;

import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The local endpoints of a {@link Ruleset}, checked against its networks: a persistent sorted map (id → endpoint)
 * with the index the check builds (address → holder, bridge port → holder). A state derived from a checked one by a
 * few endpoints ({@link #with}) checks those alone against the index, by the same {@link #check} as the whole check,
 * and records them, so that the layout derives its sets by them ({@link #changesFrom}) instead of comparing every
 * local endpoint (10,000 on a busy node). Read-only; equal to any map with the same entries.
 */
final class Endpoints extends AbstractMap<String, Endpoint> implements SortedMap<String, Endpoint> {
    private final TreePMap<String, Endpoint> map;
    private final PMap<IpAddress, String> holders;
    private final PMap<String, String> plugged;
    /** What the endpoints were checked against. */
    private final Map<String, Network> networks;
    /** The endpoints {@link #changes} were applied to; weak, so that states do not chain up in memory. */
    private final WeakReference<Map<String, Endpoint>> base;
    /** Id → new endpoint (null: removed), only ids whose endpoint really changed. */
    private final SortedMap<String, Endpoint> changes;

    private Endpoints(TreePMap<String, Endpoint> map, PMap<IpAddress, String> holders, PMap<String, String> plugged,
                      Map<String, Network> networks, Map<String, Endpoint> base, SortedMap<String, Endpoint> changes) {
        this.map = map;
        this.holders = holders;
        this.plugged = plugged;
        this.networks = networks;
        this.base = new WeakReference<>(base);
        this.changes = Collections.unmodifiableSortedMap(changes);
    }

    /**
     * {@code endpoints} checked whole against {@code networks} (the validation of a full state); the same object
     * when it was already checked against equal networks.
     *
     * @throws IllegalArgumentException naming the first endpoint, in id order, that the state cannot hold
     */
    static Endpoints of(Map<String, Network> networks, Map<String, Endpoint> endpoints) {
        if (endpoints instanceof Endpoints e && (e.networks == networks || e.networks.equals(networks))) {
            return e;
        }
        Map<IpAddress, String> holders = new HashMap<>();
        Map<String, String> plugged = new HashMap<>();
        SortedMap<String, Endpoint> sorted = new TreeMap<>(endpoints);
        sorted.forEach((id, ep) -> {
            check(id, ep, networks, holders, plugged);
            claim(id, ep, holders, plugged);
        });
        return new Endpoints(TreePMap.fromSortedMap(sorted), HashTreePMap.from(holders), HashTreePMap.from(plugged),
                networks, null, new TreeMap<>());
    }

    /**
     * These endpoints with {@code changes} applied (id → endpoint; null removes it), checking only the endpoints that
     * change: what the others hold is in the index.
     *
     * @throws IllegalArgumentException as {@link #of} would for the result
     */
    Endpoints with(Map<String, Endpoint> changes) {
        SortedMap<String, Endpoint> real = new TreeMap<>();
        changes.forEach((id, ep) -> {
            if (!Objects.equals(map.get(id), ep)) {
                real.put(id, ep);
            }
        });
        if (real.isEmpty()) {
            return this;
        }
        TreePMap<String, Endpoint> m = map;
        PMap<IpAddress, String> h = holders;
        PMap<String, String> p = plugged;
        // what goes first, so that an address or port moving between two changed endpoints is free again
        for (String id : real.keySet()) {
            Endpoint old = m.get(id);
            if (old != null) {
                for (IpAddress a : addresses(old)) {
                    h = h.minus(a);
                }
                if (old.port() != null) {
                    p = p.minus(old.port().ifname());
                }
                m = m.minus(id);
            }
        }
        for (Map.Entry<String, Endpoint> c : real.entrySet()) {
            Endpoint ep = c.getValue();
            if (ep == null) {
                continue;
            }
            check(c.getKey(), ep, networks, h, p);
            for (IpAddress a : addresses(ep)) {
                h = h.plus(a, c.getKey());
            }
            if (ep.port() != null) {
                p = p.plus(ep.port().ifname(), c.getKey());
            }
            m = m.plus(c.getKey(), ep);
        }
        return new Endpoints(m, h, p, networks, this, real);
    }

    /** The changes from {@code before} to these endpoints if they were derived from that very map, else null. */
    SortedMap<String, Endpoint> changesFrom(Map<String, Endpoint> before) {
        return base.get() == before ? changes : null;
    }

    /** The endpoint holding {@code address}, if any. */
    Endpoint holder(IpAddress address) {
        String id = holders.get(address);
        return id == null ? null : map.get(id);
    }

    /** Whether some endpoint has a bridge port. */
    boolean anyPort() {
        return !plugged.isEmpty();
    }

    /** The one check of an endpoint, against the networks and what the other endpoints hold. */
    private static void check(String id, Endpoint ep, Map<String, Network> networks, Map<IpAddress, String> holders,
                              Map<String, String> plugged) {
        if (!id.equals(ep.id())) {
            throw new IllegalArgumentException("endpoint " + ep.id() + " filed under '" + id + "'");
        }
        if (ep.port() != null) {
            String other = plugged.get(ep.port().ifname());
            if (other != null) {
                throw new IllegalArgumentException("port " + ep.port().ifname() + " given to endpoints " + other
                        + " and " + id);
            }
            if (networks.values().stream().anyMatch(n -> n.bridge().equals(ep.port().ifname()))) {
                throw new IllegalArgumentException("endpoint " + id + ": port " + ep.port().ifname()
                        + " is a network's bridge");
            }
        }
        Network n = networks.get(ep.network());
        if (n == null) {
            throw new IllegalArgumentException("endpoint " + id + " is on unknown network " + ep.network());
        }
        for (IpAddress a : addresses(ep)) {
            Cidr c = n.cidr(a.family());
            if (c == null || !c.contains(a)) {
                throw new IllegalArgumentException("endpoint " + id + " address " + a + " is outside network "
                        + n.name() + " (" + (c == null ? "no IPv" + a.family() + " prefix" : c) + ")");
            }
            String other = holders.get(a);
            if (other != null) {
                throw new IllegalArgumentException("address " + a + " held by endpoints " + other + " and " + id);
            }
        }
    }

    private static void claim(String id, Endpoint ep, Map<IpAddress, String> holders, Map<String, String> plugged) {
        addresses(ep).forEach(a -> holders.put(a, id));
        if (ep.port() != null) {
            plugged.put(ep.port().ifname(), id);
        }
    }

    private static java.util.List<IpAddress> addresses(Endpoint ep) {
        return ep.addresses().toList();
    }

    @Override
    public Endpoint get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public Set<Entry<String, Endpoint>> entrySet() {
        return map.entrySet();
    }

    @Override
    public Comparator<? super String> comparator() {
        return map.comparator();
    }

    @Override
    public SortedMap<String, Endpoint> subMap(String fromKey, String toKey) {
        return map.subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<String, Endpoint> headMap(String toKey) {
        return map.headMap(toKey);
    }

    @Override
    public SortedMap<String, Endpoint> tailMap(String fromKey) {
        return map.tailMap(fromKey);
    }

    @Override
    public String firstKey() {
        return map.firstKey();
    }

    @Override
    public String lastKey() {
        return map.lastKey();
    }
}
