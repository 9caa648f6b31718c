package dev.qnf.api.grpc;

import dev.qnf.api.testing.FakeServers;
import dev.qnf.api.testing.Target;

class GrpcContractOnFakeTest extends GrpcContract {
    @Override
    protected Target start() {
        return FakeServers.start("grpc-fake");
    }
}
