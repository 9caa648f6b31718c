package dev.qnf.api.grpc;

import dev.qnf.api.testing.Target;
import dev.qnf.api.v1.AllocateRequest;
import dev.qnf.api.v1.AllocationResponse;
import dev.qnf.api.v1.ClusterGrpc;
import dev.qnf.api.v1.ClusterStatus;
import dev.qnf.api.v1.ClusterStatusRequest;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.DeleteNetworkRequest;
import dev.qnf.api.v1.Event;
import dev.qnf.api.v1.GetNetworkRequest;
import dev.qnf.api.v1.IpamGrpc;
import dev.qnf.api.v1.ListAllocationsRequest;
import dev.qnf.api.v1.ListNetworksRequest;
import dev.qnf.api.v1.ListNodesRequest;
import dev.qnf.api.v1.NetworkResponse;
import dev.qnf.api.v1.NetworksGrpc;
import dev.qnf.api.v1.NodeResponse;
import dev.qnf.api.v1.NodesGrpc;
import dev.qnf.api.v1.RegisterNodeRequest;
import dev.qnf.api.v1.ReleaseRequest;
import dev.qnf.api.v1.RemoveNodeRequest;
import dev.qnf.api.v1.SnapshotRequest;
import dev.qnf.api.v1.WatchGrpc;
import dev.qnf.api.v1.WatchRequest;
import dev.qnf.api.v1.WatchResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gRPC surface through generated blocking stubs over a grpc-netty-shaded channel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GrpcContract {
    private static final AtomicInteger SUBNET = new AtomicInteger(1);

    protected Target target;
    protected ManagedChannel channel;
    protected NetworksGrpc.NetworksBlockingStub networks;
    protected IpamGrpc.IpamBlockingStub ipam;
    protected NodesGrpc.NodesBlockingStub nodes;
    protected ClusterGrpc.ClusterBlockingStub cluster;

    protected abstract Target start() throws Exception;

    @BeforeAll
    void connect() throws Exception {
        target = start();
        URI uri = URI.create(target.url());
        channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        networks = NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        ipam = IpamGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        nodes = NodesGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        cluster = ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        target.server().announced().join();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (target != null) {
            target.close();
        }
    }

    private static String cidr() {
        return "10." + SUBNET.getAndIncrement() + ".0.0/24";
    }

    private NetworkResponse create(String name, String cidr) {
        return networks.create(CreateNetworkRequest.newBuilder().setName(name).setCidr(cidr).build());
    }

    @Test
    void networksCreateRetryGetListDelete() {
        String cidr = cidr();
        NetworkResponse created = create("blue", cidr);
        assertThat(created.getCreated()).isTrue();
        assertThat(created.getNetwork().getCidr()).isEqualTo(cidr);
        assertThat(created.getNetwork().getMtu()).isEqualTo(1500);
        assertThat(created.getNetwork().getBlockPrefix()).isEqualTo(26);
        assertThat(created.getNetwork().hasCidr6()).isFalse();
        assertThat(created.getRevision()).isPositive();

        NetworkResponse retry = create("blue", cidr);
        assertThat(retry.getCreated()).isFalse();
        assertThat(retry.getNetwork()).isEqualTo(created.getNetwork());

        assertThat(networks.get(GetNetworkRequest.newBuilder().setName("blue").build()).getNetwork())
                .isEqualTo(created.getNetwork());
        assertThat(networks.get(GetNetworkRequest.newBuilder().setName("blue").setStale(true).build()).getNetwork())
                .isEqualTo(created.getNetwork());
        assertThat(networks.list(ListNetworksRequest.getDefaultInstance()).getNetworksList())
                .extracting(n -> n.getName()).contains("blue");

        assertThat(networks.delete(DeleteNetworkRequest.newBuilder().setName("blue").build()).getRevision())
                .isGreaterThan(created.getRevision());
        assertStatus(() -> networks.get(GetNetworkRequest.newBuilder().setName("blue").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void errorsHaveTheMappedStatus() {
        assertStatus(() -> create("bad", "10.0.0.1/24"), Status.Code.INVALID_ARGUMENT);
        assertStatus(() -> create("Bad Name", cidr()), Status.Code.INVALID_ARGUMENT);
        String cidr = cidr();
        create("one", cidr);
        assertStatus(() -> create("two", cidr), Status.Code.ALREADY_EXISTS);
        assertStatus(() -> ipam.allocate(AllocateRequest.newBuilder().setNetwork("nosuch").setEndpoint("c1").build()),
                Status.Code.NOT_FOUND);
        ipam.allocate(AllocateRequest.newBuilder().setNetwork("one").setEndpoint("c1").build());
        assertStatus(() -> networks.delete(DeleteNetworkRequest.newBuilder().setName("one").build()),
                Status.Code.FAILED_PRECONDITION);

        String base = "10." + SUBNET.getAndIncrement() + ".0.";
        create("tiny", base + "0/30");
        ipam.allocate(AllocateRequest.newBuilder().setNetwork("tiny").setEndpoint("c1").build());
        assertStatus(() -> ipam.allocate(AllocateRequest.newBuilder().setNetwork("tiny").setEndpoint("c2").build()),
                Status.Code.RESOURCE_EXHAUSTED);
        StatusRuntimeException e = assertStatus(() -> create("bad", "10.0.0.1/24"), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("host bits");
    }

    @Test
    void ipamAllocateRetryListRelease() {
        create("ipam", cidr());
        AllocationResponse first = ipam.allocate(AllocateRequest.newBuilder().setNetwork("ipam").setEndpoint("c1")
                .setNode("n1").build());
        assertThat(first.getCreated()).isTrue();
        assertThat(first.getAllocation().getNode()).isEqualTo("n1");
        AllocationResponse retry = ipam.allocate(AllocateRequest.newBuilder().setNetwork("ipam").setEndpoint("c1")
                .build());
        assertThat(retry.getCreated()).isFalse();
        assertThat(retry.getAllocation().getIp()).isEqualTo(first.getAllocation().getIp());
        assertThat(ipam.listAllocations(ListAllocationsRequest.newBuilder().setNetwork("ipam").build())
                .getAllocationsList()).extracting(a -> a.getEndpoint()).containsExactly("c1");
        AllocationResponse attached = ipam.allocate(AllocateRequest.newBuilder().setNetwork("ipam").setEndpoint("c1")
                .setContainerId("abc").setIfName("eth0").putLabels("app", "web").build());
        assertThat(attached.getAllocation().getContainerId()).isEqualTo("abc");
        assertThat(attached.getAllocation().getMac()).startsWith("0a:58:");
        assertThat(attached.getAllocation().getLabelsMap()).containsEntry("app", "web");
        ipam.release(ReleaseRequest.newBuilder().setNetwork("ipam").setEndpoint("c1").build());
        ipam.release(ReleaseRequest.newBuilder().setNetwork("ipam").setEndpoint("c1").build());
        assertThat(ipam.listAllocations(ListAllocationsRequest.newBuilder().setNetwork("ipam").setStale(true).build())
                .getAllocationsList()).isEmpty();
    }

    @Test
    void nodesRegisterListRemove() {
        NodeResponse r = nodes.register(RegisterNodeRequest.newBuilder().setName("gnode").addAddresses("192.0.2.1")
                .setLeaseSeconds(10).build());
        assertThat(r.getCreated()).isTrue();
        assertThat(r.getNode().getSite()).isEqualTo("default");
        assertThat(r.getNode().getLeaseExpiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(nodes.list(ListNodesRequest.getDefaultInstance()).getNodesList()).extracting(n -> n.getName())
                .contains("gnode");
        nodes.remove(RemoveNodeRequest.newBuilder().setName("gnode").build());
        assertStatus(() -> nodes.remove(RemoveNodeRequest.newBuilder().setName("gnode").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void clusterStatusAndSnapshot() {
        ClusterStatus s = cluster.status(ClusterStatusRequest.getDefaultInstance());
        assertThat(s.hasLeader()).isTrue();
        assertThat(s.getMembersList()).hasSize(1);
        assertThat(s.getMembers(0).getApiAddress()).isEqualTo(target.url());
        assertThat(s.getMembers(0).getRole()).isEqualTo("LEADER");
        assertThat(cluster.snapshot(SnapshotRequest.getDefaultInstance()).getIndex()).isNotNegative();
    }

    @Test
    void watchStreamsEventsInOrderFromARevision() {
        long from = networks.list(ListNetworksRequest.getDefaultInstance()).getRevision() + 1;
        create("gw", cidr());
        ipam.allocate(AllocateRequest.newBuilder().setNetwork("gw").setEndpoint("c1").build());
        ipam.release(ReleaseRequest.newBuilder().setNetwork("gw").setEndpoint("c1").build());

        Context.CancellableContext ctx = Context.current().withCancellation();
        try {
            Iterator<WatchResponse> stream = ctx.call(() -> WatchGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setFromRevision(from).build()));
            List<String> seen = new ArrayList<>();
            long last = from - 1;
            while (seen.size() < 4) {
                WatchResponse r = stream.next();
                assertThat(r.hasEvents()).isTrue();
                assertThat(r.getRevision()).isGreaterThan(last);
                last = r.getRevision();
                for (Event e : r.getEvents().getEventsList()) {
                    if (e.getKey().startsWith("network/gw") || e.getKey().startsWith("endpoint/gw")) {
                        seen.add(e.getType() + " " + e.getKey());
                        if (e.getType() == Event.Type.PUT && e.getKey().equals("network/gw")) {
                            assertThat(e.getObject().getNetwork().getName()).isEqualTo("gw");
                        }
                    }
                }
                if (seen.size() == 3) {
                    create("gw2", cidr()); // a live event after the replayed ones
                    seen.add("live");
                }
            }
            while (true) {
                WatchResponse r = stream.next();
                if (r.getEvents().getEventsList().stream().anyMatch(e -> e.getKey().equals("network/gw2"))) {
                    break;
                }
            }
            assertThat(seen).containsExactly("PUT network/gw", "PUT endpoint/gw/c1", "DELETE endpoint/gw/c1", "live");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            ctx.cancel(null);
        }
    }

    @Test
    void healthAndReflectionServeGrpcurl() throws InterruptedException {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        List<String> services = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        r.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(services).contains("qnf.v1.Networks", "qnf.v1.Ipam", "qnf.v1.Nodes", "qnf.v1.Cluster",
                "qnf.v1.Watch", "grpc.health.v1.Health");
    }

    protected static StatusRuntimeException assertStatus(Runnable call, Status.Code code) {
        StatusRuntimeException[] caught = new StatusRuntimeException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(code);
            caught[0] = e;
        });
        return caught[0];
    }
}
