package dev.qnf.api.grpc;

import dev.qnf.api.service.FabricService;
import dev.qnf.api.service.NodeInput;
import dev.qnf.api.v1.DeleteResponse;
import dev.qnf.api.v1.GetNodeRequest;
import dev.qnf.api.v1.ListNodesRequest;
import dev.qnf.api.v1.ListNodesResponse;
import dev.qnf.api.v1.NodeResponse;
import dev.qnf.api.v1.NodesGrpc;
import dev.qnf.api.v1.RegisterNodeRequest;
import dev.qnf.api.v1.RemoveNodeRequest;
import io.grpc.stub.StreamObserver;

/** {@code qnf.v1.Nodes}. */
public final class NodesEndpoint extends NodesGrpc.NodesImplBase {
    private final FabricService fabric;

    public NodesEndpoint(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void register(RegisterNodeRequest r, StreamObserver<NodeResponse> out) {
        Calls.unary(out, () -> fabric.registerNode(new NodeInput(r.getName(), r.hasSite() ? r.getSite() : null,
                        r.getAddressesList(), r.hasPublicKey() ? r.getPublicKey() : null,
                        r.hasLeaseSeconds() ? r.getLeaseSeconds() : null)),
                a -> NodeResponse.newBuilder().setNode(Protos.node(a.value())).setRevision(a.revision())
                        .setCreated(a.created()).build());
    }

    @Override
    public void get(GetNodeRequest r, StreamObserver<NodeResponse> out) {
        Calls.unary(out, () -> fabric.node(r.getName(), r.getStale()),
                v -> NodeResponse.newBuilder().setNode(Protos.node(v.value())).setRevision(v.revision()).build());
    }

    @Override
    public void list(ListNodesRequest r, StreamObserver<ListNodesResponse> out) {
        Calls.unary(out, () -> fabric.nodes(r.getStale()),
                v -> ListNodesResponse.newBuilder().setRevision(v.revision())
                        .addAllNodes(v.value().stream().map(Protos::node).toList()).build());
    }

    @Override
    public void remove(RemoveNodeRequest r, StreamObserver<DeleteResponse> out) {
        Calls.unary(out, () -> fabric.removeNode(r.getName()),
                a -> DeleteResponse.newBuilder().setRevision(a.revision()).build());
    }
}
