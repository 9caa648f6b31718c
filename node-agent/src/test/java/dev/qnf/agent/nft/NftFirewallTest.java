package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.nft.Ruleset.PortMapping;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

import static dev.qnf.agent.nft.NftListing.chains;
import static dev.qnf.agent.nft.NftListing.elements;
import static dev.qnf.agent.nft.NftListing.normalized;
import static dev.qnf.agent.nft.NftListing.ruleset;
import static dev.qnf.agent.nft.NftListing.tables;
import static dev.qnf.agent.testing.TestNamespaces.sh;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link NftFirewall} against real netfilter, each test in its own namespaces; checked with the nft command. */
@Tag("root")
class NftFirewallTest {
    static final Network A = Network.of("a", "qbr-a", "10.1.0.0/24", true);
    static final Network B = Network.dualStack("b", "qbr-b", "10.2.0.0/24", "fd00:2::/64", false);
    static final Ruleset TWO = Ruleset.of(List.of(A, B),
            List.of(Endpoint.of("c1", "a", "10.1.0.2", 1), Endpoint.of("c2", "a", "10.1.0.3", 2),
                    Endpoint.dualStack("c3", "b", "10.2.0.2", "fd00:2::2", 3)),
            List.of(PortMapping.tcp(8080, "10.1.0.2", 80), PortMapping.udp(5353, "10.1.0.3", 53),
                    PortMapping.tcp(8080, "fd00:2::2", 80)));

    @Test
    void appliesTheRulesetAsNftShowsIt() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NftFirewall fw = new NftFirewall(ns.add("host"));
            assertThat(fw.adopt(TWO)).isEmpty();
            JsonNode listing = ruleset(ns, "host");
            assertThat(tables(listing)).containsExactly("inet qnf", "ip qnf-nat", "ip6 qnf-nat");
            assertThat(chains(listing, "inet qnf")).containsExactlyInAnyOrder("forward", "net-a", "net-b", "pol",
                    "pol-out", "pol-in");
            assertThat(chains(listing, "ip qnf-nat"))
                    .containsExactlyInAnyOrder("prerouting", "output", "postrouting", "post-a", "post-b");
            assertThat(elements(listing, "inet qnf", "ep4")).containsExactly("10.1.0.2", "10.1.0.3", "10.2.0.2");
            assertThat(elements(listing, "inet qnf", "ep6")).containsExactly("fd00:2::2");
            assertThat(elements(listing, "inet qnf", "net4-a")).containsExactly("10.1.0.2", "10.1.0.3");
            assertThat(elements(listing, "inet qnf", "ident4"))
                    .containsExactly("10.1.0.2 : 1", "10.1.0.3 : 2", "10.2.0.2 : 3");
            assertThat(elements(listing, "inet qnf", "intra"))
                    .containsExactly("qbr-a . qbr-a : goto net-a", "qbr-b . qbr-b : goto net-b");
            assertThat(elements(listing, "inet qnf", "egress")).containsExactly("qbr-a");
            assertThat(elements(listing, "ip qnf-nat", "ports4"))
                    .containsExactly("tcp . 8080 : 10.1.0.2 . 80", "udp . 5353 : 10.1.0.3 . 53");
            assertThat(elements(listing, "ip6 qnf-nat", "ports6")).containsExactly("tcp . 8080 : fd00:2::2 . 80");
            assertThat(elements(listing, "ip qnf-nat", "nets4"))
                    .containsExactly("10.1.0.0/24 : jump post-a", "10.2.0.0/24 : jump post-b");
            assertThat(NftListing.text(ns, "host", "table inet qnf"))
                    .contains("type filter hook forward priority filter - 5; policy accept;");
        }
    }

    @Test
    void removingAnEndpointRemovesItsElementsAndOnlyThem() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NftFirewall fw = new NftFirewall(ns.add("host"));
            fw.adopt(TWO);
            SortedSet<String> before = normalized(ruleset(ns, "host"));
            fw.apply(TWO.withoutEndpoint("c2"));
            JsonNode listing = ruleset(ns, "host");
            assertThat(elements(listing, "inet qnf", "ep4")).containsExactly("10.1.0.2", "10.2.0.2");
            assertThat(elements(listing, "inet qnf", "net4-a")).containsExactly("10.1.0.2");
            assertThat(elements(listing, "inet qnf", "src4")).containsExactly("qbr-a . 10.1.0.2", "qbr-b . 10.2.0.2");
            assertThat(elements(listing, "inet qnf", "ident4")).containsExactly("10.1.0.2 : 1", "10.2.0.2 : 3");
            SortedSet<String> after = normalized(listing);
            // everything but the four sets holding c2's address is as it was
            SortedSet<String> changedBefore = new TreeSet<>(before);
            changedBefore.removeAll(after);
            assertThat(changedBefore).hasSize(4).allMatch(line -> line.contains("10.1.0.3"));
            SortedSet<String> changedAfter = new TreeSet<>(after);
            changedAfter.removeAll(before);
            assertThat(changedAfter).hasSize(4).noneMatch(line -> line.contains("10.1.0.3"));
        }
    }

    @Test
    void incrementalChangesEndWhereARewriteWould() {
        Random random = new Random(42);
        try (TestNamespaces ns = TestNamespaces.create()) {
            NftFirewall incremental = new NftFirewall(ns.add("inc"));
            NftFirewall rewritten = new NftFirewall(ns.add("full"));
            Ruleset state = Ruleset.EMPTY;
            incremental.apply(state);
            for (int step = 0; step < 12; step++) {
                state = RandomChange.next(state, random);
                incremental.apply(state);
                rewritten.adopt(state);
                assertThat(normalized(ruleset(ns, "inc"))).as("step %d: %s", step, state)
                        .isEqualTo(normalized(ruleset(ns, "full")));
            }
        }
    }

    @Test
    void adoptionRemovesWhatNoLongerBelongsAndLeavesOtherTablesAlone() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs host = ns.add("host");
            new NftFirewall(host).adopt(TWO);
            // an older agent's leftovers, a hand edit, and someone else's table using our names
            nft(ns.nameOf("host"), """
                    add element inet qnf ep4 { 10.1.0.77 }
                    add chain inet qnf net-gone
                    add rule inet qnf net-gone drop
                    add element inet qnf intra { "qbr-gone" . "qbr-gone" : goto net-gone }
                    add set inet qnf net4-gone { type ipv4_addr; }
                    add rule inet qnf forward counter
                    add table inet other
                    add set inet other ep4 { type ipv4_addr; elements = { 10.1.0.2 } }
                    add chain inet other forward { type filter hook forward priority 0; policy accept; }
                    add chain inet other net-a
                    add rule inet other forward ip saddr @ep4 counter
                    """);
            String other = NftListing.text(ns, "host", "table inet other");

            Ruleset onlyA = TWO.withoutNetwork("b");
            List<String> removed = new NftFirewall(host).adopt(onlyA);  // a restarted agent

            assertThat(removed).containsExactlyInAnyOrder("table ip6 qnf-nat", "set inet qnf net4-b",
                    "set inet qnf net6-b", "set inet qnf net4-gone", "chain inet qnf net-b", "chain inet qnf net-gone",
                    "chain ip qnf-nat post-b");
            JsonNode listing = ruleset(ns, "host");
            assertThat(tables(listing)).containsExactly("inet qnf", "ip qnf-nat", "inet other");
            assertThat(elements(listing, "inet qnf", "ep4")).containsExactly("10.1.0.2", "10.1.0.3");
            assertThat(chains(listing, "inet qnf")).containsExactlyInAnyOrder("forward", "net-a", "pol", "pol-out",
                    "pol-in");
            assertThat(NftListing.text(ns, "host", "chain inet qnf forward")).as("the hand-added rule")
                    .doesNotContain("counter");
            assertThat(NftListing.text(ns, "host", "table inet other")).isEqualTo(other);
            // and adopted is what a fresh namespace gets
            new NftFirewall(ns.add("fresh")).adopt(onlyA);
            assertThat(NftListing.normalizedQnf(listing)).isEqualTo(normalized(ruleset(ns, "fresh")));
        }
    }

    @Test
    void whenTheKernelDriftedAnIncrementalChangeFallsBackToAdoption() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NftFirewall fw = new NftFirewall(ns.add("host"));
            fw.adopt(TWO);
            nft(ns.nameOf("host"), "delete element inet qnf ep4 { 10.1.0.3 }\n");  // someone's hand edit
            Ruleset next = TWO.withoutEndpoint("c2");  // whose diff deletes 10.1.0.3 from ep4 again: refused
            fw.apply(next);
            assertThat(fw.applied()).isEqualTo(next);
            new NftFirewall(ns.add("fresh")).adopt(next);
            assertThat(normalized(ruleset(ns, "host"))).isEqualTo(normalized(ruleset(ns, "fresh")));
        }
    }

    @Test
    void removeAllDeletesOnlyQnfTables() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NftFirewall fw = new NftFirewall(ns.add("host"));
            fw.adopt(TWO);
            nft(ns.nameOf("host"), "add table ip qnf\nadd table ip nat\n");
            fw.removeAll();
            assertThat(tables(ruleset(ns, "host"))).containsExactly("ip qnf", "ip nat");
            assertThat(fw.applied()).isNull();
        }
    }

    /** Edits a namespace's ruleset behind QNF's back, with the nft command. */
    static void nft(String namespace, String script) {
        try {
            Path file = Files.createTempFile("qnf-test", ".nft");
            try {
                Files.writeString(file, script);
                sh("ip", "netns", "exec", namespace, "nft", "-f", file.toString());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
