package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.WatchLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.qnf.chaos.checkers.Histories.deliver;
import static dev.qnf.chaos.checkers.Histories.put;
import static org.assertj.core.api.Assertions.assertThat;

/** Watch, replica, leader and availability invariants catch what they name. */
class StreamAndClusterInvariantsTest {

    @Test
    void aRevisionOneStreamMissesIsAGap() {
        Histories h = new Histories();
        WatchLog a = h.watch("a", 1);
        WatchLog b = h.watch("b", 1);
        deliver(a, 5, put("e1", "10.0.0.1"));
        deliver(a, 6, put("e2", "10.0.0.2"));
        deliver(a, 7, put("e3", "10.0.0.3"));
        deliver(b, 5, put("e1", "10.0.0.1"));
        deliver(b, 7, put("e3", "10.0.0.3"));
        Verdict v = new WatchGapless(null).check(h.build());
        assertThat(v.violations()).singleElement().satisfies(x -> assertThat(x.message()).contains("gap", "6"));
    }

    @Test
    void duplicatesAndDisorderAreReported() {
        Histories h = new Histories();
        WatchLog a = h.watch("a", 1);
        deliver(a, 5, put("e1", "10.0.0.1"));
        deliver(a, 5, put("e1", "10.0.0.1"));
        deliver(a, 4, put("e0", "10.0.0.9"));
        assertThat(new WatchGapless(null).check(h.build()).violations()).hasSize(2);
    }

    @Test
    void streamsThatDisagreeOrMissAnAcknowledgedWriteOrStopEarlyAreReported() {
        Histories h = new Histories();
        WatchLog a = h.watch("a", 1);
        WatchLog b = h.watch("b", 1);
        deliver(a, 5, put("e1", "10.0.0.1"));
        deliver(b, 5, put("e1", "10.0.0.7"));
        h.allocate("e2", 0, 10, "10.0.0.2", true, 5);
        Verdict v = new WatchGapless("network/marker").check(h.build());
        assertThat(v.violations()).extracting(Violation::message)
                .anyMatch(m -> m.contains("saw"))
                .anyMatch(m -> m.contains("not in watch"))
                .anyMatch(m -> m.contains("final marker"));
    }

    @Test
    void twoHashesAtOneRevisionDiverge() {
        Histories h = new Histories();
        h.hash("s1", 10, "aaa");
        h.hash("s2", 10, "aaa");
        h.hash("s3", 10, "bbb");
        h.hash("s3", 11, "ccc");
        assertThat(new ReplicasConverge().check(h.build()).violations()).hasSize(2); // + no final state
    }

    @Test
    void twoLeadersInOneTermAreReported() {
        Histories h = new Histories();
        h.leader(0, "s1", "s1", 3);
        h.leader(0, "s2", null, 3);
        h.leader(1, "s3", "s3", 3);
        h.leader(2, "s3", "s3", 4);
        assertThat(new OneLeaderPerTerm().check(h.build()).violations()).hasSize(1);
    }

    @Test
    void aClusterThatStaysUnwritableAfterAHealIsReported() {
        Histories h = new Histories();
        h.fault(0, 100);
        h.allocate("e1", 150, 200, "10.0.0.1", true, 5);
        assertThat(new WritableAfterHeal(Duration.ofSeconds(1)).check(h.build()).holds()).isTrue();

        Histories late = new Histories();
        late.fault(0, 100);
        late.allocate("e1", 150, 5000, "10.0.0.1", true, 5);
        assertThat(new WritableAfterHeal(Duration.ofSeconds(1)).check(late.build()).holds()).isFalse();
    }
}
