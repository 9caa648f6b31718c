package dev.qnf.agent.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's counters, in memory: CNI calls by verb and result, reconcile passes and failures. Names follow
 * Prometheus conventions so an HTTP exporter (not there yet) can print them as they are.
 */
public final class AgentMetrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

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
