package dev.qnf.api.rest;

import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;

/** The REST contract over a real single-node Raft replica. */
class RestContractOnReplicaTest extends RestContract {
    @Override
    protected Target start() {
        return ReplicaServers.single("rest-r1");
    }
}
