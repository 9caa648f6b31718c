package dev.qnf.consensus;

import dev.qnf.consensus.raft.RaftTuning;
import dev.qnf.fabric.state.FabricImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MembershipTest {
    @TempDir
    Path root;

    /** Small segments and no purge gap, so a few hundred entries make the leader drop its log. */
    private static final RaftTuning SMALL_LOG = RaftTuning.defaults().withSegmentSize(8 * 1024, 1);

    @Test
    void aServerAddedAfterTheLogWasPurgedCatchesUpFromACheckpoint() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).tuning(SMALL_LOG).start(3)) {
            FabricReplica leader = cluster.awaitLeader();
            leader.submit(network("blue", "10.5.0.0/16")).get(15, TimeUnit.SECONDS);
            for (int i = 0; i < 150; i++) {
                leader.submit(allocate("blue", "e" + i)).get(15, TimeUnit.SECONDS); // one entry each
            }
            for (FabricReplica r : cluster.replicas()) {
                assertThat(r.takeSnapshot().get(30, TimeUnit.SECONDS)).as(r.id()).isPositive();
            }
            for (int i = 0; i < 20; i++) {
                leader.submit(allocate("blue", "after" + i)).get(15, TimeUnit.SECONDS);
            }

            FabricReplica joiner = cluster.startJoiner("s4");
            assertThat(joiner.localImage().revision()).isZero();
            RecordingListener watcher = new RecordingListener();
            joiner.watch(1, watcher);
            cluster.awaitLeader().addServer("s4", cluster.address("s4")).get(60, TimeUnit.SECONDS);

            FabricImage reference = cluster.awaitLeader().read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS);
            FabricImage caughtUp = joiner.read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS);
            assertThat(caughtUp.revision()).isGreaterThanOrEqualTo(reference.revision());
            assertThat(caughtUp.resources()).isEqualTo(reference.resources());
            assertThat(joiner.stats().snapshotsInstalled()).isEqualTo(1);
            assertThat(checkpointsIn(cluster.dataDir("s4"))).isNotEmpty();
            // Its watchers could not be fed the history the snapshot skipped: they were resynced instead.
            await().atMost(Duration.ofSeconds(30)).until(() -> !watcher.resyncs.isEmpty());
            assertThat(watcher.resyncs.get(0).endpoints("blue")).hasSizeGreaterThanOrEqualTo(150);
            assertThat(watcher.error.get()).isNull();

            // Now a full member: it takes writes and its image keeps up.
            joiner.submit(allocate("blue", "via-s4")).get(15, TimeUnit.SECONDS);
            // The answer waits for the joiner's own apply only up to a few seconds (then the leader's answer is
            // released anyway), so on a loaded machine the joiner's image may still be catching up.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> joiner.localImage().endpoint("blue", "via-s4").isPresent());
            assertThat(joiner.status().members()).extracting(ClusterStatus.Member::id)
                    .containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        }
    }

    @Test
    void aSingleServerGrowsToThreeAndShrinksAgain() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(1)) {
            FabricReplica s1 = cluster.get("s1");
            s1.submit(network("blue", "10.6.0.0/16")).get(15, TimeUnit.SECONDS);
            for (String id : List.of("s2", "s3")) {
                cluster.startJoiner(id);
                s1.addServer(id, cluster.address(id)).get(60, TimeUnit.SECONDS);
            }
            assertThat(s1.status().members()).extracting(ClusterStatus.Member::id)
                    .containsExactlyInAnyOrder("s1", "s2", "s3");
            cluster.get("s3").submit(allocate("blue", "e1")).get(15, TimeUnit.SECONDS);
            FabricImage onS2 = cluster.get("s2").read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS);
            assertThat(onS2.endpoint("blue", "e1")).isPresent();

            cluster.awaitLeader().removeServer("s3").get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(cluster.get("s1").status().members()).extracting(ClusterStatus.Member::id)
                            .containsExactlyInAnyOrder("s1", "s2"));
            cluster.stop("s3");
            cluster.get("s2").submit(allocate("blue", "e2")).get(15, TimeUnit.SECONDS);
        }
    }

    private static List<Path> checkpointsIn(Path dataDir) throws Exception {
        try (Stream<Path> walk = Files.walk(dataDir.resolve("raft"))) {
            return walk.filter(p -> p.getFileName().toString().startsWith("checkpoint_")).toList();
        }
    }
}
