package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.WatchMessage;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * How long the agent takes to make the DNS zone of a 10,000-endpoint network (not a test; run with
 * {@code bench/dns-zone.sh}): the zone built from nothing, and the zone after one endpoint was added (a watch event
 * on the view, then the pass's {@link Zones#build}), in the same run. Endpoints are named by their id, every tenth
 * by a {@code name} label shared with nine others, every twentieth publishes an SRV record and every fiftieth has an
 * alias. Only {@code Zones.build} is called, whose signature is the same before and after the delta path, so the
 * same class measures both (see docs/benchmarks.md). Arguments: {@code [endpoints [rounds]]}.
 */
public final class DnsZoneBench {
    static final String NODE = "bench";
    static final NetworkView NET = new NetworkView("big", "10.128.0.0/16", null, "10.128.0.1", null, 1500, true, 26,
            null, false, Map.of(), null);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<AllocationView> eps = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            eps.add(endpoint(i));
        }
        FabricView view = FabricView.of(new ViewSnapshot(1, List.of(NET), eps));
        System.out.printf("dns zone: %d endpoints in one network, %d rounds after %d warm-up, %d cores%n",
                endpoints, rounds, rounds, Runtime.getRuntime().availableProcessors());
        System.out.printf("names in the zone: %d%n", zone(view, "qnf.internal").get("big").records().names().size());

        List<long[]> full = new ArrayList<>();
        List<long[]> added = new ArrayList<>();
        List<long[]> unchanged = new ArrayList<>();
        int next = endpoints;
        for (int r = 0; r < 2 * rounds; r++) {
            boolean warm = r < rounds;
            FabricView current = view;
            // from nothing: another domain makes the network's zone new (the old code always built this way)
            long[] f = measure(() -> zone(current, "full.test"));
            zone(current, "qnf.internal"); // the last zone is this view's again
            long[] u = measure(() -> zone(current, "qnf.internal"));
            FabricView more = current.apply(WatchMessage.events(view.revision() + 1, List.of(new WatchMessage.Event(
                    WatchMessage.Event.PUT, "endpoint/big/ep-" + next,
                    Json.lenient().valueToTree(endpoint(next))))));
            next++;
            long[] a = measure(() -> zone(more, "qnf.internal"));
            view = more;
            if (!warm) {
                full.add(f);
                unchanged.add(u);
                added.add(a);
            }
        }
        print("full build (zone from nothing)", full);
        print("one endpoint added", added);
        print("a pass with nothing changed", unchanged);
    }

    private static Map<String, DnsZone> zone(FabricView view, String domain) {
        List<DesiredState.HostNetwork> networks = List.of(new DesiredState.HostNetwork(
                view.network("big").orElseThrow(), HostNames.bridge("big")));
        return Zones.build(networks, view, List.of(), new DesiredState.Inputs(view, List.of(), Set.of(),
                NODE, domain), List.of());
    }

    static AllocationView endpoint(int i) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("app", "a" + i % 100);
        if (i % 10 == 0) {
            labels.put("name", "svc-" + i % 1000);
        }
        if (i % 20 == 0) {
            labels.put("srv.qnf.dev/http.tcp", "8080");
        }
        if (i % 50 == 0) {
            labels.put("alias.qnf.dev/alias-" + i, "true");
        }
        String ip = "10.128." + (1 + i / 250) + "." + (2 + i % 250);
        return new AllocationView("big", "ep-" + i, ip, null, i % 100 == 0 ? NODE : "elsewhere", "c-" + i, "eth0",
                null, labels, null);
    }

    /** {wall ns, CPU ns of this thread}. */
    private static long[] measure(Supplier<?> work) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        Object result = work.get();
        long wall = System.nanoTime() - t;
        if (result == null) {
            throw new IllegalStateException("no result");
        }
        return new long[]{wall, THREADS.getCurrentThreadCpuTime() - cpu};
    }

    private static void print(String what, List<long[]> samples) {
        System.out.printf("%-34s wall %s   cpu %s%n", what, stats(samples, 0), stats(samples, 1));
    }

    private static String stats(List<long[]> samples, int i) {
        long[] v = samples.stream().mapToLong(s -> s[i]).sorted().toArray();
        return String.format("min %7.3f  median %7.3f  max %7.3f ms", v[0] / 1e6, v[v.length / 2] / 1e6,
                v[v.length - 1] / 1e6);
    }
}
