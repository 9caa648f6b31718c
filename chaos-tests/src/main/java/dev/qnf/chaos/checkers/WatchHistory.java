package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.WatchLog;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The revisions every watcher saw, merged: revision to its events, from whichever watcher delivered it first
 * (WatchGapless checks that they agree). RESYNC lines are not changes and are left out.
 */
final class WatchHistory {
    private WatchHistory() {
    }

    static TreeMap<Long, List<WatchLog.Event>> merged(History h) {
        TreeMap<Long, List<WatchLog.Event>> all = new TreeMap<>();
        for (WatchLog log : h.watches()) {
            for (WatchLog.Delivery d : log.deliveries()) {
                if (!d.resync()) {
                    all.putIfAbsent(d.revision(), d.events());
                }
            }
        }
        return all;
    }

    /** For endpoint keys ({@code endpoint/<network>/<id>}): the network and the id. */
    static String[] endpointKey(String key) {
        String rest = key.substring("endpoint/".length());
        int slash = rest.indexOf('/');
        return new String[]{rest.substring(0, slash), rest.substring(slash + 1)};
    }

    static Map<Long, List<WatchLog.Event>> of(WatchLog log) {
        Map<Long, List<WatchLog.Event>> m = new TreeMap<>();
        for (WatchLog.Delivery d : log.deliveries()) {
            if (!d.resync()) {
                m.put(d.revision(), d.events());
            }
        }
        return m;
    }
}
