package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Linearizable reads of allocation sets. For each acknowledged linearizable list R of a network:
 * <ul>
 *   <li><b>membership</b>: it holds, at the acknowledged address, every endpoint whose allocation was acknowledged
 *   before R was invoked, unless a release of it was sent before R completed;</li>
 *   <li><b>no stale entries</b>: it holds no endpoint whose release was acknowledged before R was invoked, unless
 *   an allocation of it could still be ordered after that release;</li>
 *   <li><b>no entries from the future</b>: every endpoint it holds had an allocation invoked before R completed,
 *   and at the address any acknowledged allocation answered;</li>
 *   <li><b>uniqueness</b>: no address twice;</li>
 *   <li><b>real-time revisions</b>: its revision is at least that of every read and every creating write that
 *   completed before it was invoked.</li>
 * </ul>
 * Stale lists (stale=true) are only held to uniqueness and "no entries from the future".
 */
public final class LinearizableReads implements Invariant {
    @Override
    public String name() {
        return "LinearizableReads";
    }

    @Override
    public Verdict check(History h) {
        Verdict.Builder out = new Verdict.Builder(name());
        EndpointIndex index = new EndpointIndex(h);
        List<Operation> reads = h.operations().stream()
                .filter(o -> (o.kind() == Kind.LIST || o.kind() == Kind.LIST_STALE) && o.ok()).toList();
        for (String network : index.networks()) {
            membership(out, index, network, reads.stream()
                    .filter(r -> r.kind() == Kind.LIST && r.input().key().equals(network)).toList());
        }
        for (Operation r : reads) {
            entries(out, index, r);
        }
        realTimeRevisions(out, h);
        return out.build(reads.size() + " lists");
    }

    /** Sweeps reads by invocation, keeping the endpoints acknowledged before it and not released before it. */
    private static void membership(Verdict.Builder out, EndpointIndex index, String network, List<Operation> reads) {
        List<EndpointIndex.Endpoint> byAck = new ArrayList<>(index.in(network).values().stream()
                .filter(e -> e.ackedIp() != null).toList());
        byAck.sort(Comparator.comparingLong(EndpointIndex.Endpoint::firstAck));
        PriorityQueue<EndpointIndex.Endpoint> live =
                new PriorityQueue<>(Comparator.comparingLong(EndpointIndex.Endpoint::firstReleaseInvoke));
        int next = 0;
        for (Operation r : reads) {
            while (next < byAck.size() && byAck.get(next).firstAck() < r.invokeNanos()) {
                live.add(byAck.get(next++));
            }
            while (!live.isEmpty() && live.peek().firstReleaseInvoke() < r.invokeNanos()) {
                live.poll();
            }
            Map<String, String> ips = ((Output.Listing) r.output()).ips();
            for (EndpointIndex.Endpoint e : live) {
                if (e.firstReleaseInvoke() < r.completeNanos()) {
                    continue; // a release concurrent with the read may come first
                }
                String ip = e.ackedIp();
                if (!ip.equals(ips.get(e.id))) {
                    List<Operation> excerpt = new ArrayList<>(e.all());
                    excerpt.add(r);
                    out.add("list " + r.id() + " of " + network + " at revision " + ((Output.Listing) r.output()).revision()
                            + " lacks acknowledged " + e.id + " = " + ip
                            + (ips.containsKey(e.id) ? " (shows " + ips.get(e.id) + ")" : ""), excerpt);
                }
            }
        }
    }

    private static void entries(Verdict.Builder out, EndpointIndex index, Operation r) {
        String network = r.input().key();
        Output.Listing listing = (Output.Listing) r.output();
        Map<String, Long> seen = new java.util.HashMap<>();
        for (Map.Entry<String, String> entry : listing.ips().entrySet()) {
            if (seen.put(entry.getValue(), 0L) != null) {
                out.add("list " + r.id() + " shows " + entry.getValue() + " twice", List.of(r));
            }
            EndpointIndex.Endpoint e = index.get(network, entry.getKey());
            boolean invoked = e != null && e.allocations.stream()
                    .anyMatch(a -> a.mayHaveApplied() && a.invokeNanos() < r.completeNanos());
            if (!invoked) {
                List<Operation> excerpt = new ArrayList<>(e == null ? List.of() : e.all());
                excerpt.add(r);
                out.add("list " + r.id() + " shows " + entry.getKey() + " before any allocation of it was sent",
                        excerpt);
                continue;
            }
            String acked = e.ackedIp();
            if (acked != null && !acked.equals(entry.getValue())) {
                List<Operation> excerpt = new ArrayList<>(e.all());
                excerpt.add(r);
                out.add("list " + r.id() + " shows " + entry.getKey() + " at " + entry.getValue()
                        + ", acknowledged at " + acked, excerpt);
            }
            if (r.kind() == Kind.LIST) {
                Operation release = e.lastAckedRelease();
                if (release != null && release.completeNanos() < r.invokeNanos() && !e.allocationMayFollow(release)) {
                    List<Operation> excerpt = new ArrayList<>(e.all());
                    excerpt.add(r);
                    out.add("list " + r.id() + " at revision " + listing.revision() + " still shows " + entry.getKey()
                            + ", whose release was acknowledged before the read", excerpt);
                }
            }
        }
    }

    /** Linearizable reads never go back in revision behind anything that completed before them. */
    private static void realTimeRevisions(Verdict.Builder out, History h) {
        List<Operation> anchors = new ArrayList<>();
        List<Operation> reads = new ArrayList<>();
        for (Operation o : h.operations()) {
            if (!o.ok()) {
                continue;
            }
            if (o.kind() == Kind.LIST || o.kind() == Kind.NET_GET && revision(o) >= 0) {
                anchors.add(o);
                reads.add(o);
            } else if (o.kind() == Kind.ALLOCATE && ((Output.Allocated) o.output()).created()) {
                anchors.add(o);
            }
        }
        anchors.sort(Comparator.comparingLong(Operation::completeNanos));
        reads.sort(Comparator.comparingLong(Operation::invokeNanos));
        int next = 0;
        Operation highest = null;
        for (Operation r : reads) {
            while (next < anchors.size() && anchors.get(next).completeNanos() < r.invokeNanos()) {
                Operation a = anchors.get(next++);
                if (highest == null || revision(a) > revision(highest)) {
                    highest = a;
                }
            }
            if (highest != null && revision(r) < revision(highest)) {
                out.add("read " + r.id() + " answered revision " + revision(r) + " after " + highest.id()
                        + " had completed at revision " + revision(highest), List.of(highest, r));
            }
        }
    }

    private static long revision(Operation o) {
        if (o.output() instanceof Output.Listing l) {
            return l.revision();
        }
        if (o.output() instanceof Output.Allocated a) {
            return a.revision();
        }
        if (o.output() instanceof Output.NetState s) {
            return s.revision();
        }
        return -1;
    }
}
