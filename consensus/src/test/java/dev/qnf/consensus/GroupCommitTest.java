package dev.qnf.consensus;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.state.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.assertAddressesUnique;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GroupCommitTest {
    private static final int SUBMITTERS = 64;
    private static final int EACH = 20;

    @TempDir
    Path root;

    @Test
    void concurrentSubmittersShareRaftEntries() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestCluster cluster = TestCluster.builder(root).meters(meters).start(3)) {
            FabricReplica via = cluster.follower();
            via.submit(network("blue", "10.10.0.0/16")).get(15, TimeUnit.SECONDS);
            ReplicaStats before = via.stats();

            ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
            CountDownLatch go = new CountDownLatch(1);
            Map<String, Endpoint> replies = new ConcurrentHashMap<>();
            List<Future<?>> done = IntStream.range(0, SUBMITTERS).<Future<?>>mapToObj(t -> pool.submit(() -> {
                go.await();
                for (int i = 0; i < EACH; i++) {
                    String id = "t" + t + "-" + i;
                    Reply r = via.submit(allocate("blue", id)).get(30, TimeUnit.SECONDS);
                    replies.put(id, Fixtures.endpointOf(r));
                }
                return null;
            })).toList();
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            ReplicaStats after = via.stats();
            long commands = after.commandsSubmitted() - before.commandsSubmitted();
            long batches = after.batchesSent() - before.batchesSent();
            System.out.printf("group commit: %d commands in %d Raft entries%n", commands, batches);
            assertThat(commands).isEqualTo(SUBMITTERS * EACH);
            assertThat(batches).as("Raft entries for %d commands", commands).isLessThan(commands / 2);
            // Each caller got its own endpoint back, and the state agrees.
            replies.forEach((id, e) -> assertThat(e.id()).isEqualTo(id));
            assertAddressesUnique(via.read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS), "blue");
            assertThat(via.localImage().endpoints("blue")).hasSize(SUBMITTERS * EACH);
            assertThat(meters.get("qnf_raft_batches").tag("replica", via.id()).functionCounter().count())
                    .isEqualTo(after.batchesSent());
            // The follower may still be applying the last entry when its caller is answered (the leader answers),
            // and the counter moves just before the timer: compare once both have settled.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(meters.get("qnf_apply_seconds").tag("replica", via.id()).timer().count())
                            .isEqualTo(via.stats().entriesApplied()));
        }
    }
}
