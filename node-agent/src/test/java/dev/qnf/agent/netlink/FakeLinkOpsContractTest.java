package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.NetNs;
import org.junit.jupiter.api.BeforeEach;

/** The contract on the in-memory fake; no root needed. */
class FakeLinkOpsContractTest extends LinkOpsContract {
    private FakeLinkOps fake;

    @BeforeEach
    void fresh() {
        fake = new FakeLinkOps();
    }

    @Override
    LinkOps ops() {
        return fake;
    }

    @Override
    NetNs elsewhere() {
        return NetNs.of("/fake/netns/other");
    }
}
