package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;
import dev.qnf.chaos.history.WatchLog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * No address is ever held by two endpoints at once, across the whole history:
 * <ul>
 *   <li>replaying every watch stream revision by revision, no PUT gives an endpoint an address another endpoint
 *   of the network holds;</li>
 *   <li>of two acknowledged allocations of one address (ordered by their revisions), the earlier endpoint was
 *   released (its DELETE is in the watch history) at or before the later allocation's revision;</li>
 *   <li>no list answer and no final state shows one address twice.</li>
 * </ul>
 * The count is the number of addresses found held twice.
 */
public final class NoAddressHeldTwice implements Invariant {
    @Override
    public String name() {
        return "NoAddressHeldTwice";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        long events = replayWatches(out, h);
        long pairs = ackedPairs(out, h);
        long lists = 0;
        for (Operation o : h.operations()) {
            if ((o.kind() == Kind.LIST || o.kind() == Kind.LIST_STALE) && o.ok()) {
                lists++;
                duplicates(((Output.Listing) o.output()).ips()).forEach((ip, endpoints) -> out.add(
                        "list of " + o.input().key() + " shows " + ip + " held by " + endpoints, List.of(o)));
            }
        }
        for (FinalState f : h.finals()) {
            f.allocations().forEach((network, ips) -> duplicates(ips).forEach((ip, endpoints) -> out.add(
                    "final state of " + f.server() + ": " + network + " " + ip + " held by " + endpoints, List.of())));
        }
        return out.build(events + " watch events, " + pairs + " address reuses, " + lists + " lists, "
                + h.finals().size() + " final states");
    }

    private static long replayWatches(Verdict.Builder out, History h) {
        long n = 0;
        for (WatchLog log : h.watches()) {
            Map<String, Map<String, String>> holder = new HashMap<>(); // network -> ip -> endpoint
            Map<String, Map<String, String>> address = new HashMap<>(); // network -> endpoint -> ip
            for (WatchLog.Delivery d : log.deliveries()) {
                if (d.resync()) {
                    holder.clear();
                    address.clear();
                }
                for (WatchLog.Event e : d.events()) {
                    if (!e.key().startsWith("endpoint/")) {
                        continue;
                    }
                    n++;
                    String[] k = WatchHistory.endpointKey(e.key());
                    Map<String, String> ips = holder.computeIfAbsent(k[0], x -> new HashMap<>());
                    Map<String, String> eps = address.computeIfAbsent(k[0], x -> new HashMap<>());
                    String old = eps.remove(k[1]);
                    if (old != null) {
                        ips.remove(old, k[1]);
                    }
                    if ("PUT".equals(e.type())) {
                        String other = ips.get(e.value());
                        if (other != null && !other.equals(k[1])) {
                            out.add("watch " + log.name() + " revision " + d.revision() + ": " + k[0] + "/" + k[1]
                                    + " gets " + e.value() + " while " + other + " holds it", List.of());
                        }
                        ips.put(e.value(), k[1]);
                        eps.put(k[1], e.value());
                    }
                }
            }
        }
        return n;
    }

    /** Acknowledged creations of the same address, in revision order: each earlier holder was released first. */
    private static long ackedPairs(Verdict.Builder out, History h) {
        Map<String, Long> deleted = new HashMap<>(); // network/endpoint -> revision of its DELETE
        WatchHistory.merged(h).forEach((revision, events) -> events.forEach(e -> {
            if ("DELETE".equals(e.type()) && e.key().startsWith("endpoint/")) {
                deleted.putIfAbsent(e.key().substring("endpoint/".length()), revision);
            }
        }));
        Map<String, List<Operation>> byAddress = new HashMap<>();
        for (Operation o : h.of(Kind.ALLOCATE)) {
            if (o.ok() && ((Output.Allocated) o.output()).created()) {
                Input.Alloc in = (Input.Alloc) o.input();
                byAddress.computeIfAbsent(in.network() + " " + ((Output.Allocated) o.output()).ip(),
                        k -> new ArrayList<>()).add(o);
            }
        }
        long pairs = 0;
        for (Map.Entry<String, List<Operation>> a : byAddress.entrySet()) {
            List<Operation> ops = new ArrayList<>(a.getValue());
            ops.sort(Comparator.comparingLong(o -> ((Output.Allocated) o.output()).revision()));
            for (int i = 1; i < ops.size(); i++) {
                pairs++;
                Operation before = ops.get(i - 1);
                Operation after = ops.get(i);
                if (before.input().key().equals(after.input().key())) {
                    continue; // one endpoint created twice: RetryAppliedOnce reports that
                }
                long at = ((Output.Allocated) after.output()).revision();
                Long released = deleted.get(before.input().key());
                if (released == null || released > at) {
                    out.add(a.getKey() + " allocated to " + after.input().key() + " at revision " + at + " while "
                            + before.input().key() + " held it (" + (released == null ? "never released"
                            : "released at revision " + released) + ")", List.of(before, after));
                }
            }
        }
        return pairs;
    }

    private static Map<String, List<String>> duplicates(Map<String, String> ipsByEndpoint) {
        Map<String, List<String>> byIp = new HashMap<>();
        ipsByEndpoint.forEach((endpoint, ip) -> byIp.computeIfAbsent(ip, k -> new ArrayList<>()).add(endpoint));
        byIp.values().removeIf(l -> l.size() < 2);
        return byIp;
    }
}
