package dev.qnf.chaos;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.StateHashView;
import dev.qnf.chaos.checkers.AgentAgreesWithControlPlane;
import dev.qnf.chaos.checkers.AgentFailStatic;
import dev.qnf.chaos.faults.MembershipChange;
import dev.qnf.chaos.harness.AgentProcess;
import dev.qnf.chaos.history.AgentFinal;
import dev.qnf.chaos.traffic.AgentTraffic;
import dev.qnf.chaos.checkers.Invariant;
import dev.qnf.chaos.checkers.LinearizableReads;
import dev.qnf.chaos.checkers.LinearizableRegister;
import dev.qnf.chaos.checkers.NoAddressHeldTwice;
import dev.qnf.chaos.checkers.NoLostAcknowledgedWrites;
import dev.qnf.chaos.checkers.OneLeaderPerTerm;
import dev.qnf.chaos.checkers.ReplicasConverge;
import dev.qnf.chaos.checkers.RetryAppliedOnce;
import dev.qnf.chaos.checkers.Verdict;
import dev.qnf.chaos.checkers.WatchGapless;
import dev.qnf.chaos.checkers.WritableAfterHeal;
import dev.qnf.chaos.faults.Fault;
import dev.qnf.chaos.faults.FaultContext;
import dev.qnf.chaos.faults.Schedule;
import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ClusterObserver;
import dev.qnf.chaos.harness.LoopbackNetwork;
import dev.qnf.chaos.harness.NamespaceNetwork;
import dev.qnf.chaos.harness.ServerNetwork;
import dev.qnf.chaos.harness.ServerProcess;
import dev.qnf.chaos.history.FaultRecord;
import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.report.Report;
import dev.qnf.chaos.traffic.Calls;
import dev.qnf.chaos.traffic.Recorder;
import dev.qnf.chaos.traffic.RegisterKeys;
import dev.qnf.chaos.traffic.Traffic;
import dev.qnf.chaos.traffic.Watchers;
import dev.qnf.concurrent.DaemonThreads;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One chaos run from start to verdict: start the cluster, create the networks, start the clients, watchers and
 * observer, inject and heal each fault of the schedule under load, stop the load, heal everything, read every
 * server's final state, and check every invariant on the recorded history. Everything started is stopped and
 * removed however the run ends.
 */
public final class ChaosRun {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final String MARKER = "marker";
    /** The agent's place on the fabric, well above any server's. */
    private static final int AGENT_SLOT = 250;

    private final ChaosConfig config;
    private final PrintStream out;
    private final Recorder recorder = new Recorder();
    private final Calls calls = new Calls(recorder);
    private final List<FaultRecord> faults = new ArrayList<>();
    private final List<String> harnessErrors = new ArrayList<>();
    private AgentProcess agent;

    public ChaosRun(ChaosConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    private void log(String line) {
        out.printf("[chaos %s %8s] %s%n", config.schedule().name(), Operation.seconds(recorder.now()), line);
    }

    public Report run() throws IOException, InterruptedException {
        Schedule schedule = config.schedule();
        Files.createDirectories(config.dir());
        try (var entries = Files.list(config.dir())) {
            if (entries.findAny().isPresent()) {
                // servers restarted from an earlier run's data would make every check about that run's history
                throw new IllegalStateException("run directory " + config.dir() + " is not empty: a chaos run starts"
                        + " fresh servers in an empty directory");
            }
        }
        log("seed " + config.seed() + ", " + schedule.servers() + " servers, " + schedule.steps().size()
                + " steps, data in " + config.dir());
        ServerNetwork network = config.namespaces() ? NamespaceNetwork.create() : new LoopbackNetwork();
        log("network: " + network.describe());
        ChaosCluster cluster;
        try {
            cluster = ChaosCluster.start(config.dir(), network, schedule.servers(), START_TIMEOUT, this::log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
        try (cluster) {
            return drive(cluster, schedule);
        }
    }

    private Report drive(ChaosCluster cluster, Schedule schedule) throws IOException, InterruptedException {
        log("cluster ready: " + cluster.members());
        setUpNetworks(cluster);

        RegisterKeys registers = new RegisterKeys(3, 30);
        Watchers watchers = new Watchers(recorder);
        watchers.start(cluster, 2);
        ClusterObserver observer = new ClusterObserver(cluster, recorder::now);
        observer.start();
        Traffic traffic = new Traffic(cluster, calls, registers, config.seed(), config.workers());
        long trafficStart = recorder.now();
        traffic.start();
        AgentTraffic runtime = config.agent() ? startAgent(cluster) : null;
        Thread.sleep(3000);

        Random random = new Random(config.seed());
        FaultContext ctx = new FaultContext(cluster, random, this::log, RECOVERY_TIMEOUT, this::readProbe);
        long deadline = config.duration() == null ? Long.MAX_VALUE : System.nanoTime() + config.duration().toNanos();
        int step = 0;
        for (Schedule.Step s : schedule.steps()) {
            if (System.nanoTime() > deadline) {
                break;
            }
            Fault fault = s.fault().get();
            if (fault.needsPartitions() && !cluster.network().canPartition()) {
                log("skipping " + fault.name() + ": no network namespaces");
                continue;
            }
            runStep(++step, fault, s, ctx, cluster);
            if (agent != null && fault instanceof MembershipChange) {
                // the agent was configured with the old members' URLs: point it at the new ones, as an operator would
                agent.stop();
                agent.start(cluster.memberUrls(), cluster.pki());
                log("agent restarted with the new members");
            }
        }
        long trafficEnd = recorder.now(); // before the calls in flight end: their completions are not "traffic"
        traffic.stop();
        if (runtime != null) {
            runtime.stop();
        }
        log("traffic stopped after " + recorder.size() + " operations");

        cluster.healEverything();
        cluster.awaitReady(cluster.members(), RECOVERY_TIMEOUT);
        QnfClient all = ChaosCluster.clientOf(cluster.members(), ChaosCluster.OP_TIMEOUT);
        // a last write: every watch stream must deliver it
        if (!createUntilAcknowledged(cluster, "final", new Input.NetCreate(MARKER, "10.3.0.0/24", 0))) {
            harnessErrors.add("the final marker could not be written");
        }
        for (String key : registers.all()) {
            calls.getNetwork("final", "any", all, new Input.NetKey(key));
        }
        AgentFinal agentFinal = runtime == null ? null : agentFinal(runtime);
        List<FinalState> finals = finalStates(cluster);
        if (!watchers.awaitKey("network/" + MARKER, Duration.ofSeconds(60))) {
            log("some watch stream did not deliver the final marker");
        }
        watchers.stop();
        observer.stop();

        History history = new History(config.seed(), schedule.name(), recorder.operations(), watchers.logs(),
                observer.leaders(), observer.hashes(), faults, finals, agentFinal, recorder.now());
        List<Invariant> invariants = List.of(new NoLostAcknowledgedWrites(), new NoAddressHeldTwice(),
                new RetryAppliedOnce(), new LinearizableReads(), new LinearizableRegister(),
                new WatchGapless("network/" + MARKER), new ReplicasConverge(), new WritableAfterHeal(config.writableBound()),
                new OneLeaderPerTerm(), new AgentFailStatic(), new AgentAgreesWithControlPlane(AgentTraffic.NETWORK));
        List<Verdict> verdicts = new ArrayList<>();
        for (Invariant i : invariants) {
            long started = System.nanoTime();
            verdicts.add(i.check(history));
            log("checked " + i.name() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        Report report = Report.of(config, history, verdicts, harnessErrors, trafficStart, trafficEnd);
        Report.writeHistory(history, config.dir().resolve("history.txt"));
        return report;
    }

    /** A node agent on its own namespace of the fabric, and a runtime sending it CNI calls. */
    private AgentTraffic startAgent(ChaosCluster cluster) throws IOException {
        NamespaceNetwork net = (NamespaceNetwork) cluster.network();
        agent = AgentProcess.on(net, AGENT_SLOT, config.dir().resolve("agent"));
        cluster.onClose(agent::stop);
        agent.start(cluster.memberUrls(), cluster.pki());
        log("agent " + AgentProcess.NODE + " starting (log " + agent.log() + ")");
        AgentTraffic runtime = new AgentTraffic(recorder, agent, net, new Random(config.seed() * 31 + 7));
        runtime.start();
        return runtime;
    }

    /**
     * The agent once the control plane is healed: STATUS 0, queued releases delivered (each waited for up to 60 s),
     * and what each attached container really has on eth0.
     */
    private AgentFinal agentFinal(AgentTraffic runtime) throws InterruptedException {
        boolean status = runtime.awaitReady(Duration.ofSeconds(60));
        long seen = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!runtime.viewHasNetwork(MARKER) && System.nanoTime() < seen) {
            Thread.sleep(500); // the agent's watch has everything written before the marker
        }
        // a runtime's periodic GC: allocations an ADD answered 11 for may still land after its DEL (a write whose
        // outcome was unknown), and only GC, which lists the containers the runtime has, can tell them apart
        runtime.gc();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (agent.pendingReleases() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Map<String, String> dataPlane = new TreeMap<>();
        runtime.namespaces().forEach((container, netns) -> dataPlane.put(container, AgentTraffic.addressInside(netns)));
        log("agent: status " + (status ? "ok" : "NOT ok") + ", " + agent.pendingReleases() + " releases queued, "
                + dataPlane.size() + " containers attached");
        return new AgentFinal(status, agent.pendingReleases(), dataPlane);
    }

    private void runStep(int step, Fault fault, Schedule.Step s, FaultContext ctx, ChaosCluster cluster)
            throws InterruptedException {
        Optional<ChaosCluster.LeaderView> before = cluster.leader();
        long injected = recorder.now();
        long healed = -1;
        long recovered = -1;
        String targets = "?";
        try {
            targets = fault.inject(ctx);
            log("step " + step + ": " + fault.name() + " " + targets);
            Thread.sleep(s.hold().toMillis());
            fault.heal(ctx);
            healed = recorder.now();
            log("step " + step + ": healed " + fault.name());
            cluster.awaitReady(cluster.members(), RECOVERY_TIMEOUT);
            recovered = recorder.now();
            log("step " + step + ": every member ready after " + Operation.seconds(recovered - healed));
        } catch (Exception e) {
            String why = "step " + step + " " + fault.name() + ": " + e;
            harnessErrors.add(why);
            log("HARNESS ERROR " + why);
            try {
                cluster.healEverything();
                cluster.awaitReady(cluster.members(), RECOVERY_TIMEOUT);
            } catch (IOException | RuntimeException again) {
                harnessErrors.add("step " + step + " could not recover: " + again);
            }
            if (healed < 0) {
                healed = recorder.now();
            }
        }
        faults.add(new FaultRecord(step, fault.name(), targets, before.map(ChaosCluster.LeaderView::id).orElse(null),
                before.map(ChaosCluster.LeaderView::term).orElse(-1L), injected, healed, recovered));
        Thread.sleep(s.settle().toMillis());
    }

    /** The networks the traffic uses, created once (retried until acknowledged; each attempt recorded). */
    private void setUpNetworks(ChaosCluster cluster) throws InterruptedException {
        Map<String, String> networks = new LinkedHashMap<>();
        networks.put(Traffic.ALLOC_NETWORKS.get(0), "10.0.0.0/16");
        networks.put(Traffic.ALLOC_NETWORKS.get(1), "10.1.0.0/16");
        networks.put(Traffic.PROBE_NETWORK, "10.2.0.0/16");
        networks.put(AgentTraffic.NETWORK, "10.4.0.0/16");
        for (Map.Entry<String, String> n : networks.entrySet()) {
            if (!createUntilAcknowledged(cluster, "setup", new Input.NetCreate(n.getKey(), n.getValue(), 0))) {
                throw new IllegalStateException("cannot create network " + n.getKey());
            }
        }
    }

    /**
     * Creates a network through one member at a time (a failover client would resend internally, which the
     * history could not show), until one answers OK.
     */
    private boolean createUntilAcknowledged(ChaosCluster cluster, String process, Input.NetCreate in)
            throws InterruptedException {
        for (int attempt = 0; attempt < 30; attempt++) {
            List<ServerProcess> members = cluster.members();
            ServerProcess s = members.get(attempt % members.size());
            if (calls.createNetwork(process, s.id(), cluster.client(s), in).ok()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Each member's own state once all have applied the same revision (or after 60 s, whatever they have). */
    private List<FinalState> finalStates(ChaosCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<FinalState> finals = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            finals.clear();
            for (ServerProcess s : cluster.members()) {
                finals.add(readFinal(s, cluster.client(s)));
            }
            long first = finals.get(0) == null ? -1 : finals.get(0).revision();
            if (finals.stream().allMatch(f -> f != null && f.revision() == first)) {
                log("final states: every member at revision " + first);
                return finals;
            }
            Thread.sleep(500);
        }
        log("members did not converge within 60 s");
        return finals.stream().filter(f -> f != null).toList();
    }

    private static FinalState readFinal(ServerProcess s, QnfClient client) {
        try {
            StateHashView before = client.stateHash();
            Map<String, Map<String, String>> allocations = new TreeMap<>();
            Map<String, Integer> networks = new TreeMap<>();
            for (NetworkView n : client.listNetworks(true).networks()) {
                networks.put(n.name(), Calls.version(n));
                if (!Traffic.ALLOC_NETWORKS.contains(n.name()) && !Traffic.PROBE_NETWORK.equals(n.name())
                        && !AgentTraffic.NETWORK.equals(n.name())) {
                    continue;
                }
                Map<String, String> ips = new TreeMap<>();
                for (AllocationView a : client.listAllocations(n.name(), true).allocations()) {
                    ips.put(a.endpoint(), a.ip());
                }
                allocations.put(n.name(), ips);
            }
            StateHashView after = client.stateHash();
            if (after.revision() != before.revision()) {
                return null; // moved while being read: read again
            }
            return new FinalState(s.id(), after.revision(), after.hash(), allocations, networks);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Linearizable reads through {@code server} alone, every 100 ms for 10 s, on a thread of their own. */
    private void readProbe(ServerProcess server) {
        DaemonThreads.start("chaos-read-probe", () -> {
            QnfClient client = QnfClient.connect(List.of(server.apiUrl()), ChaosCluster.OP_TIMEOUT, server.admin());
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int i = 0;
            while (System.nanoTime() < end) {
                calls.list("read-probe", server.id(), client, Traffic.ALLOC_NETWORKS.get(i++ % 2), false);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
