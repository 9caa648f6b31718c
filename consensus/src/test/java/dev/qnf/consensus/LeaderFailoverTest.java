package dev.qnf.consensus;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.qnf.consensus.Fixtures.allocate;
import static dev.qnf.consensus.Fixtures.assertAddressesUnique;
import static dev.qnf.consensus.Fixtures.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LeaderFailoverTest {
    private static final int WRITERS = 8;
    private static final int PER_WRITER = 60;

    @TempDir
    Path root;

    @Test
    void acknowledgedAllocationsSurviveTheLeaderAndTheOldLeaderConverges() throws Exception {
        try (TestCluster cluster = TestCluster.builder(root).start(3)) {
            cluster.get("s1").submit(network("blue", "10.9.0.0/16")).get(15, TimeUnit.SECONDS);
            FabricReplica leader = cluster.awaitLeader();
            List<FabricReplica> survivors = cluster.replicas().stream().filter(r -> r != leader).toList();

            Map<String, Endpoint> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                FabricReplica via = survivors.get(w % survivors.size());
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < PER_WRITER; i++) {
                        String id = "w" + writer + "-" + i;
                        try {
                            Reply r = via.submit(allocate("blue", id)).get(30, TimeUnit.SECONDS);
                            acknowledged.put(id, Fixtures.endpointOf(r));
                        } catch (ExecutionException e) {
                            failed.incrementAndGet(); // outcome unknown: not acknowledged, may or may not exist
                        }
                    }
                    return null;
                }));
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 60);
            String killed = leader.id();
            cluster.stop(killed);
            // Issued while no leader is known: it waits for the election instead of failing.
            CompletableFuture<FabricImage> readDuringElection = survivors.get(1).read(ReadConsistency.LINEARIZABLE);
            for (Future<?> f : done) {
                f.get(90, TimeUnit.SECONDS);
            }
            writers.shutdown();

            assertThat(readDuringElection.get(20, TimeUnit.SECONDS).network("blue")).isPresent();
            FabricReplica newLeader = cluster.awaitLeader();
            assertThat(newLeader.id()).isNotEqualTo(killed);
            assertThat(acknowledged.size()).isGreaterThan(WRITERS * PER_WRITER / 2);

            FabricImage after = survivors.get(0).read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS);
            acknowledged.forEach((id, e) -> assertThat(after.endpoint("blue", id)).as(id).contains(e));
            assertAddressesUnique(after, "blue");

            FabricReplica restarted = cluster.restart(killed);
            FabricImage reference = survivors.get(0).read(ReadConsistency.LINEARIZABLE).get(15, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> restarted.localImage().revision() >= reference.revision());
            // A write whose caller gave up may still have been in the pipeline and committed after the reference
            // was read: compare with a survivor's image at the same revision, once both have applied the same log.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                FabricImage survivor = survivors.get(0).localImage();
                FabricImage converged = restarted.localImage();
                assertThat(converged.revision()).isEqualTo(survivor.revision());
                assertThat(converged.resources()).isEqualTo(survivor.resources());
            });
            assertAddressesUnique(restarted.localImage(), "blue");
            // It replayed its log over a store that already held those entries, and applied none of them twice.
            assertThat(restarted.stats().entriesSkipped()).isPositive();
        }
    }
}
