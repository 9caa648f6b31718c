package dev.qnf.api.grpc;

import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;

/** The gRPC surface over a real single-node Raft replica. */
class GrpcContractOnReplicaTest extends GrpcContract {
    @Override
    protected Target start() {
        return ReplicaServers.single("grpc-r1");
    }
}
