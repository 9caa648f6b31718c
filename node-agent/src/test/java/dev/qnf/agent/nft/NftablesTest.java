package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.qnf.agent.testing.TestNamespaces.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The libnftables binding, in throw-away namespaces: never the host's ruleset. */
@Tag("root")
class NftablesTest {

    @Test
    void runsAScriptAndListsItAsJson() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs a = ns.add("a");
            String hostBefore = sh("nft", "list", "ruleset");
            JsonNode listed = a.run(() -> {
                try (Nftables nft = Nftables.open()) {
                    nft.run("add table inet qnf\nadd set inet qnf ep4 { type ipv4_addr; }\n"
                            + "add element inet qnf ep4 { 10.1.0.2 }\n");
                    return nft.list("table inet qnf");
                }
            });
            assertThat(listed.path("nftables").findValues("set")).singleElement()
                    .satisfies(set -> assertThat(set.path("elem").toString()).isEqualTo("[\"10.1.0.2\"]"));
            // the nft command line, in the namespace, sees the same; the host does not
            assertThat(sh("ip", "netns", "exec", ns.nameOf("a"), "nft", "list", "ruleset")).contains("10.1.0.2");
            assertThat(sh("nft", "list", "ruleset")).doesNotContain("10.1.0.2").isEqualTo(hostBefore);
        }
    }

    @Test
    void aFailingScriptChangesNothingAndCarriesLibnftablesMessage() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs a = ns.add("a");
            a.exec(() -> {
                try (Nftables nft = Nftables.open()) {
                    nft.run("add table inet qnf\nadd set inet qnf ep4 { type ipv4_addr; }\n"
                            + "add element inet qnf ep4 { 10.1.0.2 }\n");
                }
            });
            String before = sh("ip", "netns", "exec", ns.nameOf("a"), "nft", "list", "ruleset");
            String script = "add element inet qnf ep4 { 10.1.0.3 }\n"
                    + "add chain inet qnf fresh\n"
                    + "delete element inet qnf ep4 { 10.9.9.9 }\n";  // not there: the kernel refuses
            assertThatThrownBy(() -> a.exec(() -> {
                try (Nftables nft = Nftables.open()) {
                    nft.run(script);
                }
            })).isInstanceOfSatisfying(NftException.class, e -> {
                // libnftables 1.0.6 may point at the wrong element command: hence the whole script in the exception
                assertThat(e.errors()).contains("Error: Could not process rule: No such file or directory");
                assertThat(e.script()).isEqualTo(script);
                assertThat(e.getMessage()).contains("No such file or directory").contains("add chain inet qnf fresh");
            });
            assertThat(sh("ip", "netns", "exec", ns.nameOf("a"), "nft", "list", "ruleset")).isEqualTo(before);
        }
    }

    @Test
    void aSyntaxErrorIsReportedWithTheLine() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs a = ns.add("a");
            assertThatThrownBy(() -> a.exec(() -> {
                try (Nftables nft = Nftables.open()) {
                    nft.run("add table inet qnf\nadd rule inet qnf nowhere frobnicate\n");
                }
            })).isInstanceOf(NftException.class).hasMessageContaining("syntax error");
            assertThat(sh("ip", "netns", "exec", ns.nameOf("a"), "nft", "list", "ruleset")).isBlank();
        }
    }

    @Test
    void aContextStaysOnItsThread() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs a = ns.add("a");
            Nftables leaked = a.run(Nftables::open);
            try {
                assertThatThrownBy(() -> leaked.run("add table inet qnf"))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to its thread");
            } finally {
                leaked.close();
            }
        }
    }
}
