package dev.qnf.consensus.store;

import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.watch.EventHistory;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.state.Change;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StateStoreTest {
    private final FabricCodec codec = new FabricCodec();

    @TempDir
    Path dir;

    private static Change put(String id) {
        return new Change.Put(new Member(id, "https://" + id, id + ":1"));
    }

    @Test
    void entriesPersistAtomicallyWithTheirMarkAndEvents() throws Exception {
        try (StateStore s = StateStore.open(dir.resolve("db"), codec, new EventRetention(100))) {
            assertThat(s.applied()).isEqualTo(AppliedMark.NONE);
            s.commit(1, 3, List.of(put("a"), put("b")));
            s.commit(1, 5, List.of(new Change.Delete(new Member("a", "", "").key())));
            s.commit(2, 6, List.of());
        }
        try (StateStore s = StateStore.open(dir.resolve("db"), codec, new EventRetention(100))) {
            assertThat(s.applied()).isEqualTo(new AppliedMark(2, 6));
            assertThat(s.loadResources()).containsExactly(new Member("b", "https://b", "b:1"));
            EventHistory.Page page = s.readEvents(0, 100, 10);
            assertThat(page.compacted()).isFalse();
            assertThat(page.revisions()).extracting(EventHistory.Revision::revision).containsExactly(3L, 5L);
            assertThat(s.readEvents(4, 100, 10).revisions()).extracting(EventHistory.Revision::revision)
                    .containsExactly(5L);
            assertThat(s.readEvents(0, 4, 10).revisions()).hasSize(1);
            assertThat(s.readEvents(0, 100, 1).revisions()).hasSize(1);
        }
    }

    @Test
    void oldEventsAreCompactedInStepsAndReportedAsSuch() throws Exception {
        EventRetention retention = new EventRetention(32); // steps of 2 revisions
        try (StateStore s = StateStore.open(dir.resolve("db"), codec, retention)) {
            for (long i = 1; i <= 100; i++) {
                s.commit(1, i, List.of(put("m" + i)));
            }
            long floor = s.compactedBelow();
            assertThat(floor).isBetween(100L - 32 - 2, 100L - 32);
            assertThat(s.readEvents(floor - 1, 100, 1000).compacted()).isTrue();
            EventHistory.Page kept = s.readEvents(floor, 100, 1000);
            assertThat(kept.compacted()).isFalse();
            assertThat(kept.revisions()).hasSize((int) (100 - floor + 1));
        }
    }

    @Test
    void aCheckpointIsAConsistentCopy() throws Exception {
        Path checkpoint = dir.resolve("cp");
        try (StateStore s = StateStore.open(dir.resolve("db"), codec, new EventRetention(100))) {
            s.commit(1, 1, List.of(put("a")));
            s.checkpoint(checkpoint);
            s.commit(1, 2, List.of(put("b")));
        }
        try (StateStore copy = StateStore.open(checkpoint, codec, new EventRetention(100))) {
            assertThat(copy.applied()).isEqualTo(new AppliedMark(1, 1));
            assertThat(copy.loadResources()).hasSize(1);
        }
    }
}
