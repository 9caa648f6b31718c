package dev.qnf.agent.reconcile;

import org.pcollections.PMap;
import org.pcollections.PSortedMap;

import java.util.Iterator;
import java.util.Map;

/**
 * What changed between two versions of one of the view's persistent maps, for the agent's delta paths
 * ({@link AddressBook}, {@link Zones}). The view replaces a value by another object when it changes and keeps the
 * map object when nothing in it changed, so: nothing to do for the same map, else one walk of both in key order,
 * values compared by reference.
 */
final class MapDiff {
    /** One key whose value changed; {@code before} or {@code after} is null where that side lacks the key. */
    interface Change<K, V> {
        void accept(K key, V before, V after);
    }

    private MapDiff() {
    }

    /**
     * Calls {@code changed} for every key whose value is not the same object in both maps (in key order when both
     * are sorted: they are walked together; others are compared by lookups).
     */
    static <K extends Comparable<K>, V> void forEachChange(PMap<K, V> before, PMap<K, V> after,
                                                           Change<K, V> changed) {
        if (before == after) {
            return;
        }
        if (!(before instanceof PSortedMap<K, V>) || !(after instanceof PSortedMap<K, V>)) {
            before.forEach((k, v) -> {
                if (after.get(k) != v) {
                    changed.accept(k, v, after.get(k));
                }
            });
            after.forEach((k, v) -> {
                if (!before.containsKey(k)) {
                    changed.accept(k, null, v);
                }
            });
            return;
        }
        Iterator<Map.Entry<K, V>> a = before.entrySet().iterator();
        Iterator<Map.Entry<K, V>> b = after.entrySet().iterator();
        Map.Entry<K, V> x = a.hasNext() ? a.next() : null;
        Map.Entry<K, V> y = b.hasNext() ? b.next() : null;
        while (x != null || y != null) {
            int c = x == null ? 1 : y == null ? -1 : x.getKey().compareTo(y.getKey());
            if (c < 0) {
                changed.accept(x.getKey(), x.getValue(), null);
            } else if (c > 0) {
                changed.accept(y.getKey(), null, y.getValue());
            } else if (x.getValue() != y.getValue()) {
                changed.accept(x.getKey(), x.getValue(), y.getValue());
            }
            if (c <= 0) {
                x = a.hasNext() ? a.next() : null;
            }
            if (c >= 0) {
                y = b.hasNext() ? b.next() : null;
            }
        }
    }
}
