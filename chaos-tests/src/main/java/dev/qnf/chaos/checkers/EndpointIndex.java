package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.History;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every endpoint's allocation and release operations, by network and endpoint id. */
final class EndpointIndex {
    /** The operations about one endpoint, in invocation order. */
    static final class Endpoint {
        final String network;
        final String id;
        final List<Operation> allocations = new ArrayList<>();
        final List<Operation> releases = new ArrayList<>();

        Endpoint(String network, String id) {
            this.network = network;
            this.id = id;
        }

        /** The address of the first acknowledged allocation, or null. */
        String ackedIp() {
            return allocations.stream().filter(Operation::ok).map(o -> ((Output.Allocated) o.output()).ip())
                    .findFirst().orElse(null);
        }

        /** Completion of the first acknowledged allocation, or Long.MAX_VALUE. */
        long firstAck() {
            return allocations.stream().filter(Operation::ok).mapToLong(Operation::completeNanos).min()
                    .orElse(Long.MAX_VALUE);
        }

        /** Invocation of the first release that may have applied, or Long.MAX_VALUE. */
        long firstReleaseInvoke() {
            return releases.stream().filter(Operation::mayHaveApplied).mapToLong(Operation::invokeNanos).min()
                    .orElse(Long.MAX_VALUE);
        }

        /** The acknowledged release invoked last, or null. */
        Operation lastAckedRelease() {
            Operation last = null;
            for (Operation r : releases) {
                if (r.ok() && (last == null || r.invokeNanos() > last.invokeNanos())) {
                    last = r;
                }
            }
            return last;
        }

        /** True when some allocation that may have applied could be ordered after {@code release}. */
        boolean allocationMayFollow(Operation release) {
            return allocations.stream().anyMatch(a -> a.mayHaveApplied()
                    && a.effectiveCompleteNanos() > release.invokeNanos());
        }

        List<Operation> all() {
            List<Operation> all = new ArrayList<>(allocations);
            all.addAll(releases);
            all.sort(java.util.Comparator.comparingLong(Operation::invokeNanos));
            return all;
        }
    }

    private final Map<String, Map<String, Endpoint>> byNetwork = new LinkedHashMap<>();

    EndpointIndex(History history) {
        for (Operation o : history.operations()) {
            if (o.kind() == Kind.ALLOCATE) {
                Input.Alloc in = (Input.Alloc) o.input();
                endpoint(in.network(), in.endpoint()).allocations.add(o);
            } else if (o.kind() == Kind.RELEASE) {
                Input.Release in = (Input.Release) o.input();
                endpoint(in.network(), in.endpoint()).releases.add(o);
            }
        }
    }

    private Endpoint endpoint(String network, String id) {
        return byNetwork.computeIfAbsent(network, n -> new LinkedHashMap<>())
                .computeIfAbsent(id, i -> new Endpoint(network, i));
    }

    Map<String, Endpoint> in(String network) {
        return byNetwork.getOrDefault(network, Map.of());
    }

    Endpoint get(String network, String id) {
        return in(network).get(id);
    }

    Iterable<String> networks() {
        return byNetwork.keySet();
    }
}
