package dev.qnf.api.rest;

import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST contract over a real single-node Raft replica. */
class RestContractOnReplicaTest extends RestContract {
    @Override
    protected Target start() {
        return ReplicaServers.single("rest-r1");
    }

    @Test
    void theReplicaRegistersItsApplyLatencyInTheSameRegistry() {
        assertThat(http.get("/metrics").body()).contains("qnf_apply_seconds", "qnf_raft_batches");
    }
}
