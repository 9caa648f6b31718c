package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;
import dev.qnf.chaos.history.WatchLog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A retried request is applied once. The traffic allocates each endpoint id in one "lifetime": one request, sent
 * again after an unknown outcome (to another server) or on purpose after success, then perhaps released, never
 * allocated again. So:
 * <ul>
 *   <li>in the watch history each endpoint is PUT at most once, and never again after its DELETE;</li>
 *   <li>every acknowledged answer for one endpoint names the same address, and at most one says it created it.</li>
 * </ul>
 * The count is the number of extra applications (duplicates).
 */
public final class RetryAppliedOnce implements Invariant {
    @Override
    public String name() {
        return "RetryAppliedOnce";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        EndpointIndex index = new EndpointIndex(h);
        long duplicates = 0;
        Map<String, List<String>> lifecycle = new LinkedHashMap<>(); // network/endpoint -> "PUT@r ip", "DELETE@r"
        TreeMap<Long, List<WatchLog.Event>> merged = WatchHistory.merged(h);
        merged.forEach((revision, events) -> events.forEach(e -> {
            if (e.key().startsWith("endpoint/")) {
                lifecycle.computeIfAbsent(e.key().substring("endpoint/".length()), k -> new ArrayList<>())
                        .add(e.type() + "@" + revision + ("PUT".equals(e.type()) ? " " + e.value() : ""));
            }
        }));
        for (Map.Entry<String, List<String>> l : lifecycle.entrySet()) {
            long puts = l.getValue().stream().filter(s -> s.startsWith("PUT")).count();
            if (puts > 1) {
                duplicates += puts - 1;
                String[] k = l.getKey().split("/", 2);
                EndpointIndex.Endpoint e = index.get(k[0], k[1]);
                out.add(l.getKey() + " applied " + puts + " times: " + l.getValue(),
                        e == null ? List.of() : e.all(), List.of("watch: " + l.getValue()));
            }
        }
        long endpoints = 0;
        for (String network : index.networks()) {
            for (EndpointIndex.Endpoint e : index.in(network).values()) {
                endpoints++;
                List<Operation> acked = e.allocations.stream().filter(Operation::ok).toList();
                long created = acked.stream().filter(o -> ((Output.Allocated) o.output()).created()).count();
                long ips = acked.stream().map(o -> ((Output.Allocated) o.output()).ip()).distinct().count();
                if (created > 1 || ips > 1) {
                    duplicates += Math.max(created - 1, ips - 1);
                    out.add(network + "/" + e.id + ": " + created + " answers said created, " + ips
                            + " different addresses", e.all());
                }
            }
        }
        return out.build(endpoints + " endpoints, " + lifecycle.size() + " in the watch history", duplicates);
    }
}
