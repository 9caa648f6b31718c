package dev.qnf.agent.nft;

import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The elements of a big set or map ({@code ident4}, {@code ep4}, ...) derived from the elements of the last state by
 * a few changes: a persistent map, so deriving costs the changes, not a copy; and the changes themselves, so that
 * {@link RulesetCompiler#diff} writes them instead of comparing thousands of elements. Read-only; equal to any map
 * with the same entries.
 */
final class Elements extends AbstractMap<String, String> {
    private final PMap<String, String> map;
    /** The map {@link #changes} were applied to; weak, so that states do not chain up in memory. */
    private final WeakReference<Map<String, String>> base;
    /** Key → new value (null: removed), only keys whose value really changed, in key order. */
    private final SortedMap<String, String> changes;

    private Elements(PMap<String, String> map, Map<String, String> base, SortedMap<String, String> changes) {
        this.map = map;
        this.base = new WeakReference<>(base);
        this.changes = Collections.unmodifiableSortedMap(changes);
    }

    /** {@code base} with {@code changes} applied (a null value removes the key). */
    static Elements derive(Map<String, String> base, Map<String, String> changes) {
        PMap<String, String> m = base instanceof Elements e ? e.map : HashTreePMap.from(base);
        SortedMap<String, String> real = new TreeMap<>();
        for (Map.Entry<String, String> c : changes.entrySet()) {
            String k = c.getKey();
            String v = c.getValue();
            if (!Objects.equals(m.get(k), v)) {
                real.put(k, v);
                m = v == null ? m.minus(k) : m.plus(k, v);
            }
        }
        return new Elements(m, base, real);
    }

    /** The changes from {@code before} to these elements if they were derived from that very map, else null. */
    SortedMap<String, String> changesFrom(Map<String, String> before) {
        return base.get() == before ? changes : null;
    }

    @Override
    public String get(Object key) {
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
    public Set<Entry<String, String>> entrySet() {
        return map.entrySet();
    }
}
