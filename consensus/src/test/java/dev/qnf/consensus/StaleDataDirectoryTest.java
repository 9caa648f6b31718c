package dev.qnf.consensus;

import dev.qnf.fabric.state.FabricImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Regression for a bug the chaos suite found (stale-data-dir fault): a follower restarted from an older copy of
 * its data directory was never caught up (the leader kept resending from the follower's old position, which the
 * follower answered with "inconsistent" forever) while it still voted and reported itself ready. Now it refuses to
 * start; an honest restart is unaffected.
 */
class StaleDataDirectoryTest {
    @TempDir
    Path root;

    @Test
    void aFollowerRestartedFromAnOldCopyRefusesToStartAndAnHonestRestartStillWorks() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(3)) {
            FabricReplica leader = cluster.awaitLeader();
            leader.submit(network("blue", "10.9.0.0/16")).get(15, TimeUnit.SECONDS);
            allocateMany(leader, "a", 10);
            String follower = cluster.follower().id();

            cluster.stop(follower);
            Path backup = root.resolve("backup");
            copy(cluster.dataDir(follower), backup);
            FabricReplica back = cluster.restart(follower);
            allocateMany(leader, "b", 50);
            long revision = leader.localImage().revision();
            await().atMost(Duration.ofSeconds(30)).until(() -> back.localImage().revision() >= revision);
            allocateMany(leader, "c", 5); // its answers carry the commit index it reached
            await().atMost(Duration.ofSeconds(30)).until(() -> back.status().commitIndex() >= revision);

            cluster.stop(follower);
            delete(cluster.dataDir(follower));
            copy(backup, cluster.dataDir(follower));
            assertThatThrownBy(() -> cluster.restart(follower))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(StaleDataDirectoryException.class)
                    .hasMessageContaining("older than what it acknowledged");

            // the two others carry on, and an honest restart of one of them is not mistaken for a rollback
            allocateMany(leader, "d", 5);
            String other = cluster.replicas().stream().map(FabricReplica::id).filter(id -> !id.equals(leader.id()))
                    .findFirst().orElseThrow();
            cluster.stop(other);
            FabricReplica again = cluster.restart(other);
            long now = leader.localImage().revision();
            FabricImage caughtUp = await().atMost(Duration.ofSeconds(30))
                    .until(again::localImage, i -> i.revision() >= now);
            assertThat(caughtUp.endpoints("blue")).hasSize(70);
        }
    }

    /**
     * Regression (chaos suite, a harness slip that emptied a member's directory): a member whose data directory was
     * lost and which is started again with its old peers sat in the group forever without catching up, for the same
     * reason. It is refused too; a lost member comes back through a join.
     */
    @Test
    void aFollowerRestartedWithAnEmptyDataDirectoryRefusesToStart() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(3)) {
            FabricReplica leader = cluster.awaitLeader();
            leader.submit(network("blue", "10.9.0.0/16")).get(15, TimeUnit.SECONDS);
            allocateMany(leader, "a", 10);
            String follower = cluster.follower().id();
            long revision = leader.localImage().revision();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.get(follower).status().commitIndex() >= revision);
            allocateMany(leader, "b", 5); // its answers carry the commit index it reached

            cluster.stop(follower);
            delete(cluster.dataDir(follower));
            assertThatThrownBy(() -> cluster.restart(follower))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(StaleDataDirectoryException.class)
                    .hasMessageContaining("older than what it acknowledged");
            allocateMany(leader, "c", 5); // the two others carry on
        }
    }

    private static void allocateMany(FabricReplica r, String prefix, int n) throws Exception {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(r.submit(allocate("blue", prefix + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
