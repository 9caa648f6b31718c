package dev.qnf.api.grpc;

import dev.qnf.api.service.FabricService;
import dev.qnf.api.service.NetworkInput;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.DeleteNetworkRequest;
import dev.qnf.api.v1.DeleteResponse;
import dev.qnf.api.v1.GetNetworkRequest;
import dev.qnf.api.v1.ListNetworksRequest;
import dev.qnf.api.v1.ListNetworksResponse;
import dev.qnf.api.v1.NetworkResponse;
import dev.qnf.api.v1.NetworksGrpc;
import io.grpc.stub.StreamObserver;

/** {@code qnf.v1.Networks}. */
public final class NetworksEndpoint extends NetworksGrpc.NetworksImplBase {
    private final FabricService fabric;

    public NetworksEndpoint(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void create(CreateNetworkRequest r, StreamObserver<NetworkResponse> out) {
        Calls.unary(out, () -> fabric.createNetwork(new NetworkInput(r.getName(), r.getCidr(),
                        r.hasCidr6() ? r.getCidr6() : null, r.hasGateway() ? r.getGateway() : null,
                        r.hasGateway6() ? r.getGateway6() : null, r.hasMtu() ? r.getMtu() : null,
                        r.hasNat() ? r.getNat() : null, r.hasBlockPrefix() ? r.getBlockPrefix() : null,
                        r.hasBlockPrefix6() ? r.getBlockPrefix6() : null,
                        r.hasAllowOverlap() ? r.getAllowOverlap() : null, r.getLabelsMap())),
                a -> NetworkResponse.newBuilder().setNetwork(Protos.network(a.value())).setRevision(a.revision())
                        .setCreated(a.created()).build());
    }

    @Override
    public void get(GetNetworkRequest r, StreamObserver<NetworkResponse> out) {
        Calls.unary(out, () -> fabric.network(r.getName(), r.getStale()),
                v -> NetworkResponse.newBuilder().setNetwork(Protos.network(v.value())).setRevision(v.revision())
                        .build());
    }

    @Override
    public void list(ListNetworksRequest r, StreamObserver<ListNetworksResponse> out) {
        Calls.unary(out, () -> fabric.networks(r.getStale()),
                v -> ListNetworksResponse.newBuilder().setRevision(v.revision())
                        .addAllNetworks(v.value().stream().map(Protos::network).toList()).build());
    }

    @Override
    public void delete(DeleteNetworkRequest r, StreamObserver<DeleteResponse> out) {
        Calls.unary(out, () -> fabric.deleteNetwork(r.getName()),
                a -> DeleteResponse.newBuilder().setRevision(a.revision()).build());
    }
}
