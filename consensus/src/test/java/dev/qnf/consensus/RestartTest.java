package dev.qnf.consensus;

import dev.qnf.fabric.state.FabricImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RestartTest {
    @TempDir
    Path root;

    private static void allocateMany(FabricReplica r, String prefix, int n) throws Exception {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(r.submit(allocate("blue", prefix + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    private static FabricImage awaitRevision(FabricReplica r, long revision) {
        return await().atMost(Duration.ofSeconds(60)).until(r::localImage, i -> i.revision() >= revision);
    }

    @Test
    void theStoreSurvivesARestartAndReplayedEntriesAreNotAppliedTwice() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(1)) {
            FabricReplica s1 = cluster.get("s1");
            s1.submit(network("blue", "10.3.0.0/16")).get(15, TimeUnit.SECONDS);
            allocateMany(s1, "e", 50);
            FabricImage before = s1.localImage();
            long appliedBefore = s1.status().appliedIndex();

            cluster.stop("s1");
            FabricReplica again = cluster.restart("s1");

            // The store is loaded before Ratis replays anything: same revision, same resources.
            assertThat(again.localImage().revision()).isEqualTo(before.revision());
            assertThat(again.localImage().resources()).isEqualTo(before.resources());
            cluster.awaitLeader();
            await().atMost(Duration.ofSeconds(60)).until(() -> again.status().appliedIndex() >= appliedBefore);
            assertThat(again.stats().entriesApplied()).isZero();
            assertThat(again.stats().entriesSkipped()).isPositive();
            assertThat(again.localImage().revision()).isEqualTo(before.revision());
            assertThat(again.localImage().counts()).isEqualTo(before.counts());

            allocateMany(again, "f", 5);
            assertThat(again.localImage().endpoints("blue")).hasSize(55);
            assertThat(again.stats().entriesApplied()).isPositive();
        }
    }

    @Test
    void aLostStoreIsRebuiltFromTheNewestCheckpointPlusTheLog() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(1)) {
            FabricReplica s1 = cluster.get("s1");
            s1.submit(network("blue", "10.4.0.0/16")).get(15, TimeUnit.SECONDS);
            allocateMany(s1, "e", 20);
            long snapshotIndex = s1.takeSnapshot().get(30, TimeUnit.SECONDS);
            assertThat(snapshotIndex).isPositive();
            allocateMany(s1, "f", 20);
            FabricImage before = s1.localImage();

            cluster.stop("s1");
            deleteRecursively(cluster.dataDir("s1").resolve("state").resolve("db"));
            FabricReplica again = cluster.restart("s1");

            FabricImage rebuilt = awaitRevision(again, before.revision());
            assertThat(rebuilt.resources()).isEqualTo(before.resources());
            assertThat(again.stats().entriesApplied()).as("entries after the checkpoint").isPositive();
        }
    }

    static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

}
