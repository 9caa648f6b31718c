package dev.qnf.consensus;

import dev.qnf.consensus.watch.Watch;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchTest {
    @TempDir
    Path root;

    private static List<Long> allocateOneByOne(FabricReplica r, String prefix, int n) throws Exception {
        List<Long> revisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SubmitResult result = r.submitWithRevision(allocate("blue", prefix + i)).get(15, TimeUnit.SECONDS);
            assertThat(r.localImage().revision()).isGreaterThanOrEqualTo(result.revision());
            revisions.add(result.revision());
        }
        return revisions;
    }

    @Test
    void aWatchDeliversHistoryAndLiveChangesInOrderAndResumesFromARevision() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(1)) {
            FabricReplica s1 = cluster.get("s1");
            s1.submit(network("blue", "10.7.0.0/16")).get(15, TimeUnit.SECONDS);
            List<Long> first = allocateOneByOne(s1, "a", 10);
            long from = first.get(3);

            RecordingListener all = new RecordingListener();
            try (Watch w = s1.watch(from, all)) {
                List<CompletableFuture<?>> concurrent = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    concurrent.add(s1.submit(allocate("blue", "b" + i)));
                }
                CompletableFuture.allOf(concurrent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                long last = s1.localImage().revision();
                await().atMost(Duration.ofSeconds(30)).until(() -> !all.revisions().isEmpty()
                        && all.revisions().get(all.revisions().size() - 1) == last);
            }
            assertThat(all.resyncs).isEmpty();
            assertThat(all.revisions()).isSorted().doesNotHaveDuplicates();
            assertThat(all.revisions().get(0)).isEqualTo(from);
            // No gaps: every endpoint allocated at or after "from" was seen being created, once.
            List<String> created = all.changes().stream().filter(c -> c instanceof Change.Put p
                            && p.resource() instanceof Endpoint)
                    .map(c -> ((Endpoint) ((Change.Put) c).resource()).id()).toList();
            assertThat(created).doesNotHaveDuplicates().hasSize(7 + 40);
            assertThat(created.subList(0, 7)).containsExactly("a3", "a4", "a5", "a6", "a7", "a8", "a9");

            // Resuming after the fifth delivered revision yields exactly the rest.
            long resumeAfter = all.revisions().get(4);
            RecordingListener resumed = new RecordingListener();
            try (Watch w = s1.watch(resumeAfter + 1, resumed)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> resumed.events.size() == all.events.size() - 5);
            }
            assertThat(resumed.events).isEqualTo(all.events.subList(5, all.events.size()));
        }
    }

    @Test
    void aCompactedStartResyncsAndAFutureStartWaits() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).eventRetention(16).start(1)) {
            FabricReplica s1 = cluster.get("s1");
            s1.submit(network("blue", "10.8.0.0/16")).get(15, TimeUnit.SECONDS);
            allocateOneByOne(s1, "a", 30); // well past 16 revisions of history

            RecordingListener compacted = new RecordingListener();
            RecordingListener future = new RecordingListener();
            long now = s1.localImage().revision();
            try (Watch a = s1.watch(1, compacted); Watch b = s1.watch(now + 1, future)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> compacted.resyncs.size() == 1);
                FabricImage resync = compacted.resyncs.get(0);
                assertThat(resync.revision()).isEqualTo(now);
                assertThat(resync.endpoints("blue")).hasSize(30);
                assertThat(compacted.events).isEmpty();

                s1.submit(allocate("blue", "later")).get(15, TimeUnit.SECONDS);
                long later = s1.localImage().revision();
                await().atMost(Duration.ofSeconds(30)).until(() -> compacted.events.size() == 1
                        && future.events.size() == 1);
                assertThat(compacted.revisions()).containsExactly(later);
                assertThat(future.revisions()).containsExactly(later);
                assertThat(future.resyncs).isEmpty();
            }
        }
    }
}
