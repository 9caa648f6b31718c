package dev.qnf.agent.dns;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** In-memory {@link DnsMetrics}: counts per (type, outcome) and per upstream failure. */
public final class DnsCounters implements DnsMetrics {
    private final Map<String, LongAdder> queries = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> upstreamFailures = new ConcurrentHashMap<>();

    @Override
    public void query(String type, Outcome outcome) {
        queries.computeIfAbsent(type + " " + outcome, k -> new LongAdder()).increment();
    }

    @Override
    public void upstreamFailure(InetSocketAddress upstream, String reason) {
        upstreamFailures.computeIfAbsent(upstream.getAddress().getHostAddress() + ":" + upstream.getPort() + " "
                + reason, k -> new LongAdder()).increment();
    }

    public long count(String type, Outcome outcome) {
        LongAdder a = queries.get(type + " " + outcome);
        return a == null ? 0 : a.sum();
    }

    public long total(Outcome outcome) {
        String suffix = " " + outcome;
        return queries.entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    public long upstreamFailures() {
        return upstreamFailures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** "TYPE OUTCOME" → count, sorted; upstream failures as "upstream ADDRESS:PORT REASON". */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        queries.forEach((k, v) -> out.put(k, v.sum()));
        upstreamFailures.forEach((k, v) -> out.put("upstream " + k, v.sum()));
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
