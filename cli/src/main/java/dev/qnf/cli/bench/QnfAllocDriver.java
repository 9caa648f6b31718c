package dev.qnf.cli.bench;

import dev.qnf.api.v1.AllocateRequest;
import dev.qnf.api.v1.AllocationResponse;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.IpamGrpc;
import dev.qnf.api.v1.NetworkResponse;
import dev.qnf.api.v1.NetworksGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Allocates addresses for unique endpoint ids through QNF's gRPC {@code qnf.v1.Ipam/Allocate}, spread over the
 * given servers. Each run uses a network of its own, so every allocation is a new endpoint (a replicated write
 * carrying an IPAM decision), never an idempotent replay of an earlier one.
 */
public final class QnfAllocDriver implements AutoCloseable {
    /** Statuses that mean "the cluster is not serving writes yet": retried while waiting for it. */
    private static final Set<Status.Code> NOT_READY =
            Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.FAILED_PRECONDITION);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final ChannelPool channels;
    private final String network;
    private final int nodes;
    private final Duration timeout;

    private QnfAllocDriver(ChannelPool channels, String network, int nodes, Duration timeout) {
        this.channels = channels;
        this.network = network;
        this.nodes = nodes;
        this.timeout = timeout;
    }

    /**
     * @param endpoints   server API URLs ({@code http://host:port}), used round-robin
     * @param connections gRPC connections to spread the clients over
     * @param network     the network to create and allocate from; unique per run
     * @param nodes       how many node names the allocations are spread over, as CNI plugins on that many hosts
     *                    would; 0 allocates without a node, from the cluster pool
     * @param timeout     deadline of each call
     */
    public static QnfAllocDriver open(List<String> endpoints, int connections, String network, int nodes,
            Duration timeout) {
        if (nodes < 0) {
            throw new IllegalArgumentException("nodes must be >= 0: " + nodes);
        }
        return new QnfAllocDriver(ChannelPool.open(endpoints, connections), network, nodes, timeout);
    }

    /**
     * Creates the network, retrying while the cluster has no leader yet. Overlap is allowed so that repeated runs,
     * each with its own network, can reuse the same large prefix.
     *
     * @return the revision at which the network exists
     */
    public long createNetwork(String cidr, int blockPrefix, Duration readyWithin) throws InterruptedException {
        CreateNetworkRequest request = CreateNetworkRequest.newBuilder()
                .setName(network)
                .setCidr(cidr)
                .setBlockPrefix(blockPrefix)
                .setAllowOverlap(true)
                .putLabels("qnf.dev/purpose", "bench")
                .build();
        long deadline = System.nanoTime() + readyWithin.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                NetworkResponse response = NetworksGrpc.newBlockingStub(channels.forOperation(attempt))
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .create(request);
                return response.getRevision();
            } catch (StatusRuntimeException e) {
                if (!NOT_READY.contains(e.getStatus().getCode()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        }
    }

    /**
     * Allocates an address for endpoint {@code ep-<n>} on node {@code bench-<n mod nodes>}, with the attachment a CNI
     * ADD carries (container id, interface; the server derives the MAC), so the stored record is a real one.
     */
    public CompletableFuture<AllocationResponse> allocate(long n) {
        AllocateRequest.Builder request = AllocateRequest.newBuilder()
                .setNetwork(network)
                .setEndpoint("ep-" + n)
                .setContainerId(String.format("%048x", n))
                .setIfName("eth0");
        if (nodes > 0) {
            request.setNode("bench-" + Math.floorMod(n, nodes));
        }
        FutureObserver<AllocationResponse> observer = new FutureObserver<>();
        IpamGrpc.newStub(channels.forOperation(n))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .allocate(request.build(), observer);
        return observer.future();
    }

    @Override
    public void close() {
        channels.close();
    }
}
