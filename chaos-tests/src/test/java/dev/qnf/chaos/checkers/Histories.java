package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.FaultRecord;
import dev.qnf.chaos.history.FinalState;
import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Output;
import dev.qnf.chaos.history.Samples;
import dev.qnf.chaos.history.WatchLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-written histories for the checkers' tests; times are in "ticks" (milliseconds as nanoseconds x 1e6). */
final class Histories {
    private final List<Operation> ops = new ArrayList<>();
    private final List<WatchLog> watches = new ArrayList<>();
    private final List<Samples.LeaderSample> leaders = new ArrayList<>();
    private final List<Samples.HashSample> hashes = new ArrayList<>();
    private final List<FaultRecord> faults = new ArrayList<>();
    private final List<FinalState> finals = new ArrayList<>();
    private dev.qnf.chaos.history.AgentFinal agent;

    static long t(long ms) {
        return ms * 1_000_000L;
    }

    Operation add(Kind kind, Input in, long invokeMs, long completeMs, Outcome outcome, Output out) {
        Operation op = new Operation(ops.size() + 1, "p" + (ops.size() % 3), "s1", kind, in, t(invokeMs),
                t(completeMs), outcome, out);
        ops.add(op);
        return op;
    }

    Operation allocate(String endpoint, long from, long to, String ip, boolean created, long revision) {
        return add(Kind.ALLOCATE, new Input.Alloc("n", endpoint, null), from, to, Outcome.OK,
                new Output.Allocated(ip, created, revision));
    }

    Operation allocateUnknown(String endpoint, long from, long to) {
        return add(Kind.ALLOCATE, new Input.Alloc("n", endpoint, null), from, to, Outcome.UNKNOWN,
                new Output.NoAnswer("timeout"));
    }

    Operation release(String endpoint, long from, long to, long revision) {
        return add(Kind.RELEASE, new Input.Release("n", endpoint), from, to, Outcome.OK, new Output.Deleted(revision));
    }

    Operation list(long from, long to, Map<String, String> ips, long revision) {
        return add(Kind.LIST, new Input.ListAllocations("n"), from, to, Outcome.OK, new Output.Listing(ips, revision));
    }

    Operation create(String key, int version, long from, long to, boolean created) {
        return add(Kind.NET_CREATE, new Input.NetCreate(key, "10.64.0.0/24", version), from, to, Outcome.OK,
                new Output.NetState(version, created, 0));
    }

    Operation createRefused(String key, int version, long from, long to) {
        return add(Kind.NET_CREATE, new Input.NetCreate(key, "10.64.0.0/24", version), from, to, Outcome.FAIL,
                new Output.Refused(409, "ALREADY_EXISTS", "different spec"));
    }

    Operation createUnknown(String key, int version, long from, long to) {
        return add(Kind.NET_CREATE, new Input.NetCreate(key, "10.64.0.0/24", version), from, to, Outcome.UNKNOWN,
                new Output.NoAnswer("503"));
    }

    Operation delete(String key, long from, long to) {
        return add(Kind.NET_DELETE, new Input.NetKey(key), from, to, Outcome.OK, new Output.Deleted(0));
    }

    Operation get(String key, Integer version, long from, long to) {
        return add(Kind.NET_GET, new Input.NetKey(key), from, to, Outcome.OK, new Output.NetState(version, false, 0));
    }

    WatchLog watch(String name, long from) {
        WatchLog log = new WatchLog(name, from);
        watches.add(log);
        return log;
    }

    static void deliver(WatchLog log, long revision, WatchLog.Event... events) {
        log.add(new WatchLog.Delivery(0, revision, false, List.of(events)));
    }

    static WatchLog.Event put(String endpoint, String ip) {
        return new WatchLog.Event("PUT", "endpoint/n/" + endpoint, ip);
    }

    static WatchLog.Event del(String endpoint) {
        return new WatchLog.Event("DELETE", "endpoint/n/" + endpoint, null);
    }

    void leader(long atMs, String server, String leader, long term) {
        leaders.add(new Samples.LeaderSample(t(atMs), server, leader, term, 0, 0));
    }

    void hash(String server, long revision, String hash) {
        hashes.add(new Samples.HashSample(0, server, revision, hash));
    }

    void fault(long injectMs, long healMs) {
        faults.add(new FaultRecord(faults.size() + 1, "kill-leader", "s1", "s1", 1, t(injectMs), t(healMs), t(healMs)));
    }

    void finalState(String server, long revision, Map<String, String> ips, Map<String, Integer> networks) {
        finals.add(new FinalState(server, revision, "h", Map.of("n", ips), networks));
    }

    void agent(dev.qnf.chaos.history.AgentFinal value) {
        agent = value;
    }

    Operation cni(Kind kind, String container, long from, long to, int code, String ip) {
        return add(kind, new Input.Cni("agentnet", container, "/run/netns/" + container), from, to,
                code == 0 ? Outcome.OK : Outcome.FAIL, new Output.CniAnswer(code, ip, ""));
    }

    void finalStateOf(String server, long revision, Map<String, Map<String, String>> allocations) {
        finals.clear();
        finals.add(new FinalState(server, revision, "h", allocations, Map.of()));
    }

    History build() {
        return new History(1, "test", ops, watches, leaders, hashes, faults, finals, agent, t(1_000_000));
    }
}
