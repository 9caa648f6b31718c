package dev.qnf.consensus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression for a bug the chaos suite found (pause-leader, then partition-leader): a leader that stepped down for
 * lack of heartbeats did not stand for election for Ratis's default 10 s, and as it held the longest log nobody else
 * could win, so the group had no leader for up to 10 s. It now waits one election timeout.
 */
class SteppedDownLeaderTest {
    @TempDir
    Path root;

    @Test
    void aSteppedDownLeaderWithTheLongestLogIsElectedAgainPromptly() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(3)) {
            FabricReplica leader = cluster.awaitLeader();
            leader.submit(network("blue", "10.9.0.0/16")).get(15, TimeUnit.SECONDS);
            List<String> followers = cluster.replicas().stream().map(FabricReplica::id)
                    .filter(id -> !id.equals(leader.id())).toList();
            followers.forEach(cluster::stop);

            // appended on the leader alone: its log is now the longest, and it steps down without heartbeats
            leader.submit(allocate("blue", "only-on-the-leader"));
            await().atMost(Duration.ofSeconds(20)).until(() -> leader.status().leaderId() == null);

            // only one follower comes back: it cannot win against the longer log, so only the ex-leader can
            cluster.restart(followers.get(0));
            long restarted = System.nanoTime();
            cluster.awaitLeader();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted);
            assertThat(cluster.awaitLeader().id()).isEqualTo(leader.id());
            assertThat(seconds).as("seconds without a leader after a follower came back").isLessThan(6);
        }
    }
}
