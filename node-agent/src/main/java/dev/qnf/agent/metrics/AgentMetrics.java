package dev.qnf.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's counters: CNI calls by verb and result, reconcile passes and failures. Names follow Prometheus
 * conventions ({@code name_total{label="value"}}); each is kept in memory for {@link #snapshot} and mirrored as a
 * counter of the meter registry that {@code /metrics} serves.
 */
public final class AgentMetrics {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Map<String, Counter> mirrored = new ConcurrentHashMap<>();

    /** In memory only. */
    public AgentMetrics() {
        this(new SimpleMeterRegistry());
    }

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One CNI call; {@code code} 0 is success, else the CNI error code returned. */
    public void cniCall(String verb, int code) {
        count("qnf_agent_cni_calls_total{verb=\"" + verb + "\",result=\"" + (code == 0 ? "ok" : "error") + "\",code=\""
                + code + "\"}");
    }

    public void reconcile(boolean ok) {
        count("qnf_agent_reconcile_runs_total");
        if (!ok) {
            count("qnf_agent_reconcile_errors_total");
        }
    }

    public void releaseQueued() {
        count("qnf_agent_releases_queued_total");
    }

    public void count(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
        mirrored.computeIfAbsent(name, this::meter).increment();
    }

    /** "qnf_agent_cni_calls_total{verb=\"ADD\"}" → counter "qnf_agent_cni_calls" with tag verb=ADD. */
    private Counter meter(String name) {
        int brace = name.indexOf('{');
        String base = brace < 0 ? name : name.substring(0, brace);
        base = base.endsWith("_total") ? base.substring(0, base.length() - "_total".length()) : base;
        List<Tag> tags = new ArrayList<>();
        if (brace >= 0) {
            Matcher m = LABEL.matcher(name.substring(brace));
            while (m.find()) {
                tags.add(Tag.of(m.group(1), m.group(2)));
            }
        }
        return Counter.builder(base).tags(tags).register(registry);
    }

    /** Every counter by its full name (with labels), sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }
}
