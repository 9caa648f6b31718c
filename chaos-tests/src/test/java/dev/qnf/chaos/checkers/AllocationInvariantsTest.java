package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.WatchLog;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.qnf.chaos.checkers.Histories.del;
import static dev.qnf.chaos.checkers.Histories.deliver;
import static dev.qnf.chaos.checkers.Histories.put;
import static org.assertj.core.api.Assertions.assertThat;

/** Each allocation invariant catches the anomaly it names, and passes a clean history. */
class AllocationInvariantsTest {

    /** e1 allocated, e2 allocated, e1 released: everything agrees. */
    private static Histories clean() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.allocate("e2", 5, 15, "10.0.0.2", true, 6);
        h.list(20, 30, Map.of("e1", "10.0.0.1", "e2", "10.0.0.2"), 6);
        h.release("e1", 40, 50, 7);
        h.allocate("e3", 60, 70, "10.0.0.1", true, 8);
        h.list(80, 90, Map.of("e2", "10.0.0.2", "e3", "10.0.0.1"), 8);
        WatchLog w = h.watch("w", 1);
        deliver(w, 5, put("e1", "10.0.0.1"));
        deliver(w, 6, put("e2", "10.0.0.2"));
        deliver(w, 7, del("e1"));
        deliver(w, 8, put("e3", "10.0.0.1"));
        h.finalState("s1", 8, Map.of("e2", "10.0.0.2", "e3", "10.0.0.1"), Map.of());
        return h;
    }

    @Test
    void aCleanHistoryPassesEveryInvariant() {
        var history = clean().build();
        for (Invariant i : new Invariant[]{new NoLostAcknowledgedWrites(), new NoAddressHeldTwice(),
                new RetryAppliedOnce(), new LinearizableReads(), new WatchGapless(null)}) {
            assertThat(i.check(history).violations()).as(i.name()).isEmpty();
        }
    }

    @Test
    void aLostAllocationIsReported() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.finalState("s1", 8, Map.of(), Map.of());
        Verdict v = new NoLostAcknowledgedWrites().check(h.build());
        assertThat(v.count()).isEqualTo(1);
        assertThat(v.violations().get(0).message()).contains("e1", "missing");
    }

    @Test
    void aLostReleaseIsReportedUnlessAnAllocationMayFollowIt() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.release("e1", 20, 30, 6);
        h.finalState("s1", 8, Map.of("e1", "10.0.0.1"), Map.of());
        assertThat(new NoLostAcknowledgedWrites().check(h.build()).holds()).isFalse();

        Histories late = new Histories();
        late.allocateUnknown("e1", 0, 10); // may be applied after the release
        late.allocate("e1", 11, 15, "10.0.0.1", true, 5);
        late.release("e1", 20, 30, 6);
        late.finalState("s1", 8, Map.of("e1", "10.0.0.1"), Map.of());
        assertThat(new NoLostAcknowledgedWrites().check(late.build()).holds()).isTrue();
    }

    @Test
    void aNetworkLeftByNoLastWriteIsReported() {
        Histories h = new Histories();
        h.create("r", 1, 0, 10, true);
        h.delete("r", 20, 30);
        h.finalState("s1", 8, Map.of(), Map.of("r", 1));
        assertThat(new NoLostAcknowledgedWrites().check(h.build()).holds()).isFalse();
    }

    @Test
    void twoHoldersOfAnAddressAreReportedFromTheWatchAndFromAcknowledgements() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.allocate("e2", 20, 30, "10.0.0.1", true, 6);
        WatchLog w = h.watch("w", 1);
        deliver(w, 5, put("e1", "10.0.0.1"));
        deliver(w, 6, put("e2", "10.0.0.1"));
        Verdict v = new NoAddressHeldTwice().check(h.build());
        assertThat(v.violations()).hasSize(2);
    }

    @Test
    void aListWithOneAddressTwiceIsReported() {
        Histories h = new Histories();
        h.list(0, 10, Map.of("e1", "10.0.0.1", "e2", "10.0.0.1"), 3);
        assertThat(new NoAddressHeldTwice().check(h.build()).holds()).isFalse();
        assertThat(new LinearizableReads().check(h.build()).holds()).isFalse();
    }

    @Test
    void aRequestAppliedAgainAfterItsReleaseIsADuplicate() {
        Histories h = new Histories();
        h.allocateUnknown("e1", 0, 6000);
        h.allocate("e1", 6010, 6020, "10.0.0.1", true, 5);
        h.release("e1", 6030, 6040, 6);
        WatchLog w = h.watch("w", 1);
        deliver(w, 5, put("e1", "10.0.0.1"));
        deliver(w, 6, del("e1"));
        deliver(w, 7, put("e1", "10.0.0.1"));
        Verdict v = new RetryAppliedOnce().check(h.build());
        assertThat(v.count()).isEqualTo(1);
        assertThat(v.violations().get(0).message()).contains("applied 2 times");
    }

    @Test
    void twoCreatedAnswersForOneEndpointAreADuplicate() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.allocate("e1", 20, 30, "10.0.0.2", true, 6);
        assertThat(new RetryAppliedOnce().check(h.build()).count()).isEqualTo(1);
    }

    @Test
    void aListMissingAnAcknowledgedAllocationIsNotLinearizable() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.list(20, 30, Map.of(), 5);
        assertThat(new LinearizableReads().check(h.build()).holds()).isFalse();
    }

    @Test
    void aListConcurrentWithTheReleaseMayMissIt() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.release("e1", 15, 40, 6);
        h.list(20, 30, Map.of(), 6);
        assertThat(new LinearizableReads().check(h.build()).holds()).isTrue();
    }

    @Test
    void aListShowingAReleasedEndpointIsStale() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 5);
        h.release("e1", 15, 20, 6);
        h.list(30, 40, Map.of("e1", "10.0.0.1"), 5);
        assertThat(new LinearizableReads().check(h.build()).violations()).isNotEmpty();
    }

    @Test
    void aListFromTheFutureIsReported() {
        Histories h = new Histories();
        h.list(0, 10, Map.of("e1", "10.0.0.1"), 3);
        h.allocate("e1", 20, 30, "10.0.0.1", true, 5);
        assertThat(new LinearizableReads().check(h.build()).holds()).isFalse();
    }

    @Test
    void aReadWhoseRevisionGoesBackIsReported() {
        Histories h = new Histories();
        h.allocate("e1", 0, 10, "10.0.0.1", true, 9);
        h.list(20, 30, Map.of("e1", "10.0.0.1"), 8);
        assertThat(new LinearizableReads().check(h.build()).violations())
                .anySatisfy(v -> assertThat(v.message()).contains("revision 8"));
    }
}
