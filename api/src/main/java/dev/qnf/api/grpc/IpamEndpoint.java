package dev.qnf.api.grpc;

import dev.qnf.api.service.AllocationInput;
import dev.qnf.api.service.FabricService;
import dev.qnf.api.v1.AllocateRequest;
import dev.qnf.api.v1.AllocationResponse;
import dev.qnf.api.v1.DeleteResponse;
import dev.qnf.api.v1.IpamGrpc;
import dev.qnf.api.v1.LabelEndpointRequest;
import dev.qnf.api.v1.ListAllocationsRequest;
import dev.qnf.api.v1.ListAllocationsResponse;
import dev.qnf.api.v1.ReleaseRequest;
import io.grpc.stub.StreamObserver;

/** {@code qnf.v1.Ipam}. */
public final class IpamEndpoint extends IpamGrpc.IpamImplBase {
    private final FabricService fabric;

    public IpamEndpoint(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void allocate(AllocateRequest r, StreamObserver<AllocationResponse> out) {
        Calls.unary(out, () -> fabric.allocate(new AllocationInput(r.getNetwork(), r.getEndpoint(),
                        r.hasNode() ? r.getNode() : null, r.hasIp() ? r.getIp() : null,
                        r.hasContainerId() ? r.getContainerId() : null, r.hasIfName() ? r.getIfName() : null,
                        r.hasMac() ? r.getMac() : null, r.getLabelsMap())),
                a -> AllocationResponse.newBuilder().setAllocation(Protos.allocation(a.value()))
                        .setRevision(a.revision()).setCreated(a.created()).build());
    }

    @Override
    public void release(ReleaseRequest r, StreamObserver<DeleteResponse> out) {
        Calls.unary(out, () -> fabric.release(r.getNetwork(), r.getEndpoint()),
                a -> DeleteResponse.newBuilder().setRevision(a.revision()).build());
    }

    @Override
    public void listAllocations(ListAllocationsRequest r, StreamObserver<ListAllocationsResponse> out) {
        Calls.unary(out, () -> fabric.allocations(r.getNetwork(), r.getStale()),
                v -> ListAllocationsResponse.newBuilder().setRevision(v.revision())
                        .addAllAllocations(v.value().stream().map(Protos::allocation).toList()).build());
    }

    @Override
    public void label(LabelEndpointRequest r, StreamObserver<AllocationResponse> out) {
        Calls.unary(out, () -> fabric.labelEndpoint(r.getNetwork(), r.getEndpoint(), r.getSetMap(), r.getRemoveList()),
                a -> AllocationResponse.newBuilder().setAllocation(Protos.allocation(a.value()))
                        .setRevision(a.revision()).build());
    }
}
