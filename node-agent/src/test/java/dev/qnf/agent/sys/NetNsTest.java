package dev.qnf.agent.sys;

import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("root")
class NetNsTest {

    @Test
    void runsCodeInsideTheNamespace() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs a = ns.add("a");
            String inode = a.run(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            assertThat(inode).startsWith("net:[").isNotEqualTo(host);
        }
    }

    @Test
    void missingNamespaceIsAClearError() {
        TestNamespaces.assumeRoot();
        assertThatThrownBy(() -> NetNs.named("qnf-test-does-not-exist").run(() -> 1))
                .isInstanceOf(SysException.class).hasMessageContaining("ENOENT");
    }
}
