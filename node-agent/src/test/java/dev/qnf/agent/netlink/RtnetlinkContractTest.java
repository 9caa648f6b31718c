package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The contract on the kernel. Namespaces are made per test and always removed in {@link #cleanUp} (JUnit runs it
 * after a failure too); the socket is closed first so it cannot keep the deleted namespace alive.
 */
@Tag("root")
class RtnetlinkContractTest extends LinkOpsContract {
    private TestNamespaces namespaces;
    private NetNs other;
    private Rtnetlink rt;

    @BeforeEach
    void namespaces() {
        namespaces = TestNamespaces.create();
        NetNs subject = namespaces.add("subj");
        other = namespaces.add("other");
        rt = Rtnetlink.open(subject);
    }

    @AfterEach
    void cleanUp() {
        try {
            if (rt != null) {
                rt.close();
            }
        } finally {
            if (namespaces != null) {
                namespaces.close();
            }
        }
    }

    @Override
    LinkOps ops() {
        return rt;
    }

    @Override
    NetNs elsewhere() {
        return other;
    }
}
