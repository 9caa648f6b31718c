package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.nft.NftFirewall;
import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.nft.RulesetCompiler;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.fabric.model.Endpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scale benchmark of issue 5 (not a test; run as root with {@code bench/policy-scale.sh}): 10,000 endpoints in
 * 1,000 identities and 1,000 policies, default deny. Measures, in a throw-away network namespace with the real
 * agent code ({@link PolicyPlanBuilder}, {@link RulesetBuilder}, {@link RulesetCompiler}, {@link NftFirewall}):
 * compiling the plan and the full script, applying it, one endpoint added, one rule changed, the ruleset's size and
 * the heap. Arguments: {@code [localEndpoints]} (default 10000: every endpoint on this host, the worst case).
 */
public final class PolicyScaleBench {
    static final int ENDPOINTS = 10_000;
    static final int IDENTITIES = 1_000;
    static final int POLICIES = 1_000;
    static final String NODE = "bench";
    static final NetworkView NET = new NetworkView("big", "10.128.0.0/16", null, "10.128.0.1", null, 1500, true, 26,
            null, false, Map.of(), null);

    public static void main(String[] args) throws Exception {
        int local = args.length > 0 ? Integer.parseInt(args[0]) : ENDPOINTS;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("policy scale: %d endpoints (%d on this host), %d identities, %d policies, %d cores%n",
                ENDPOINTS, local, IDENTITIES, POLICIES, Runtime.getRuntime().availableProcessors());
        FabricView view = FabricView.of(snapshot(policies(0)));
        List<Endpoint> here = view.endpointsOf("big").stream().filter(e -> e.node().equals(NODE)).limit(local).toList();
        here = new ArrayList<>(here);
        System.out.printf("local endpoints: %d%n", here.size());

        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs host = ns.add("bench");
            NftFirewall fw = new NftFirewall(host);

            // warm up the JIT and libnftables once, in another namespace
            NftFirewall warm = new NftFirewall(ns.add("warm"));
            warm.adopt(ruleset(view, here));

            long t0 = System.nanoTime();
            Ruleset full = ruleset(view, here);
            long t1 = System.nanoTime();
            String script = RulesetCompiler.full(full);
            long t2 = System.nanoTime();
            fw.adopt(full);
            long t3 = System.nanoTime();
            System.out.printf("full: plan + ruleset %.0f ms, nft script %.0f ms (%d lines, %d kB), adopt (list + "
                            + "script + one transaction) %.0f ms; total %.0f ms%n", ms(t1 - t0), ms(t2 - t1),
                    script.lines().count(), script.length() / 1024, ms(t3 - t2), ms(t3 - t0));

            String listing = TestNamespaces.sh("ip", "netns", "exec", ns.nameOf("bench"), "nft", "list", "ruleset");
            System.out.printf("ruleset: %d kB as 'nft list ruleset', %d lines; %d policy chains%n",
                    listing.length() / 1024, listing.lines().count(),
                    listing.lines().filter(l -> l.contains("chain allow-") || l.contains("chain deny-")).count());

            Ruleset current = full;
            FabricView base = view;
            for (int r = 0; r < rounds; r++) {
                // one endpoint more, of an existing identity, on this host: a watch event on the same view, as the
                // agent gets it; then what a CNI ADD runs: the desired ruleset, and the firewall's apply (render,
                // diff against the last applied layout, one nft transaction)
                AllocationView added = new AllocationView("big", "new" + r, "10.128.200." + (r + 1), null, NODE,
                        "cnew" + r, "eth0", null, labels(r % IDENTITIES), null);
                FabricView bigger = base.apply(WatchMessage.events(base.revision() + 1, List.of(event(
                        "endpoint/big/new" + r, added))));
                List<Endpoint> more = new ArrayList<>(here);
                more.add(bigger.endpoint("big", "new" + r).orElseThrow());
                current = measureChange("endpoint added:", fw, current, bigger, more);

                // one rule changed: policy 0's ingress port moves (a policy PUT on the same view)
                PolicyView p0 = policies(r + 1).get(0);
                FabricView changed = bigger.apply(WatchMessage.events(bigger.revision() + 1, List.of(event(
                        "policy/default/p0", p0))));
                current = measureChange("rule changed:  ", fw, current, changed, more);
                base = changed;
                here = more;
            }
            summary("endpoint added:");
            summary("rule changed:  ");
            System.gc();
            Thread.sleep(200);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("heap used after GC (view + applied ruleset held): %d MB; RSS %s%n",
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rss());
            if (current.endpoints().isEmpty()) {
                throw new AssertionError("unreachable: keeps the state alive until here");
            }
        }
    }

    /**
     * One change as a CNI ADD or a watch event makes the agent apply it: the desired ruleset from the view, then the
     * firewall's apply (render, diff against the last applied layout, one nft transaction). Prints wall and CPU time
     * of both steps and the size of the nft script; returns the new ruleset.
     */
    static Ruleset measureChange(String what, NftFirewall fw, Ruleset current, FabricView view, List<Endpoint> local) {
        long t0 = System.nanoTime();
        long cpu0 = cpu();
        Ruleset next = ruleset(view, local);
        long t1 = System.nanoTime();
        long desiredCpu = cpu() - cpu0;
        fw.apply(next);
        long t2 = System.nanoTime();
        long applyCpu = cpu() - cpu0 - desiredCpu;
        System.out.printf("%s desired ruleset %.1f ms (cpu %.1f ms), apply %.1f ms (render + diff cpu %.1f ms; nft: "
                        + "%d lines); total %.1f ms%n", what, ms(t1 - t0), ms(desiredCpu), ms(t2 - t1), ms(applyCpu),
                RulesetCompiler.diff(current, next).lines().count(), ms(t2 - t0));
        ROUNDS.computeIfAbsent(what, k -> new ArrayList<>()).add(new double[]{ms(t2 - t0), ms(desiredCpu + applyCpu)});
        return next;
    }

    /** Each change's rounds: wall clock end to end and CPU of the computing thread, both in ms. */
    static final Map<String, List<double[]>> ROUNDS = new java.util.LinkedHashMap<>();

    /** Min, median and max of the rounds after the first (JIT warm-up), wall and CPU. */
    static void summary(String what) {
        List<double[]> all = ROUNDS.getOrDefault(what, List.of());
        if (all.size() < 2) {
            return;
        }
        List<double[]> rounds = all.subList(1, all.size());
        double[] wall = rounds.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] cpu = rounds.stream().mapToDouble(r -> r[1]).sorted().toArray();
        System.out.printf("%s %d rounds after the first: end to end %.1f / %.1f / %.1f ms (min / median / max), "
                        + "cpu of the computing thread %.1f / %.1f / %.1f ms%n", what, rounds.size(), wall[0],
                wall[wall.length / 2], wall[wall.length - 1], cpu[0], cpu[cpu.length / 2], cpu[cpu.length - 1]);
    }

    /**
     * This thread's CPU time: on a shared machine the wall clock measures the neighbours too; the CPU time of the
     * computing thread shows what the change itself costs.
     */
    static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static WatchMessage.Event event(String key, Object view) {
        return new WatchMessage.Event(WatchMessage.Event.PUT, key, dev.qnf.api.json.Json.lenient().valueToTree(view));
    }

    static Ruleset ruleset(FabricView view, List<Endpoint> local) {
        PolicyPlanBuilder.Result plan = PolicyPlanBuilder.build(view, local);
        DesiredState.HostNetwork hn = new DesiredState.HostNetwork(dev.qnf.agent.control.Views.network(NET), "qnf-big");
        return RulesetBuilder.build(List.of(hn), local, List.<LocalAttachment>of(), plan);
    }

    /** Identity i: app=a{i}. Endpoint k: identity k % 1000, address 10.128.(k / 250).(k % 250 + 2). */
    static ViewSnapshot snapshot(List<PolicyView> policies, Endpoint... extra) {
        List<AllocationView> eps = new ArrayList<>();
        for (int k = 0; k < ENDPOINTS; k++) {
            String ip = "10.128." + (k / 250) + "." + (k % 250 + 2);
            eps.add(new AllocationView("big", "e" + k, ip, null, NODE, "c" + k, "eth0", null, labels(k % IDENTITIES),
                    null));
        }
        for (Endpoint e : extra) {
            eps.add(new AllocationView("big", e.id(), e.ip().toString(), null, NODE, e.containerId(), "eth0", null,
                    e.labels(), null));
        }
        List<IdentityView> ids = new ArrayList<>();
        for (int i = 0; i < IDENTITIES; i++) {
            ids.add(new IdentityView(256 + i, "big", dev.qnf.fabric.policy.Labels.identityLabels(labels(i))));
        }
        return new ViewSnapshot(1, List.of(NET), eps, policies, ids, Map.of());
    }

    /**
     * Policy i selects app=a{i}: ingress from a{i+1} and a{i+2} on TCP 8000 + i % 100 (+ {@code bump} for policy 0),
     * egress to a{i+1} on UDP 53; every tenth also denies ingress from 0.0.0.0/0 except 10.0.0.0/8 on TCP 22.
     */
    static List<PolicyView> policies(int bump) {
        List<PolicyView> out = new ArrayList<>();
        for (int i = 0; i < POLICIES; i++) {
            int port = 8000 + i % 100 + (i == 0 ? bump : 0);
            List<RuleView> ingress = new ArrayList<>();
            ingress.add(new RuleView("allow", List.of(app((i + 1) % IDENTITIES), app((i + 2) % IDENTITIES)), null,
                    List.of(new PortView("tcp", port, null))));
            if (i % 10 == 0) {
                ingress.add(new RuleView("deny", List.of(new PeerView(null, null, null, "0.0.0.0/0", List.of("10.0.0.0/8"),
                        null)), null, List.of(new PortView("tcp", 22, null))));
            }
            List<RuleView> egress = List.of(new RuleView("allow", null, List.of(app((i + 1) % IDENTITIES)),
                    List.of(new PortView("udp", 53, null))));
            out.add(new PolicyView("default", "p" + i, new SelectorView(Map.of("app", "a" + i), null), null, null,
                    ingress, egress, null));
        }
        return out;
    }

    static PeerView app(int i) {
        return new PeerView(new SelectorView(Map.of("app", "a" + i), null), null, null, null, null, null);
    }

    static Map<String, String> labels(int identity) {
        return Map.of("app", "a" + identity);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String rss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> l.replaceAll("\\s+", " ").substring(6).trim()).findFirst().orElse("?");
    }
}
