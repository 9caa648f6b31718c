package dev.qnf.chaos.harness;

import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.StateHashView;
import dev.qnf.chaos.history.Samples;
import dev.qnf.concurrent.DaemonThreads;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Polls every member, twice a second, for its view of the cluster (leader and term) and for the hash of its
 * applied state. The checkers use the samples for "one leader per term", "replicas at the same revision have the
 * same state" and the time to a new leader. Requests are asynchronous with a short timeout, so a paused server
 * delays nothing.
 */
public final class ClusterObserver {
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final ChaosCluster cluster;
    private final LongSupplier clock;
    private final HttpClient http;
    private final List<Samples.LeaderSample> leaders = new ArrayList<>();
    private final List<Samples.HashSample> hashes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    public ClusterObserver(ChaosCluster cluster, LongSupplier clock) {
        this.cluster = cluster;
        this.clock = clock;
        this.http = ChaosCluster.https(cluster.admin());
        this.thread = DaemonThreads.thread("chaos-observer", this::run);
    }

    public void start() {
        thread.start();
    }

    public void stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5_000);
    }

    private void run() {
        while (!stop) {
            List<CompletableFuture<?>> polls = new ArrayList<>();
            for (ServerProcess s : cluster.members()) {
                if (!s.running() || s.paused()) {
                    continue;
                }
                polls.add(get(s, "/v1/cluster").thenAccept(body -> {
                    ClusterView v = read(body, ClusterView.class);
                    if (v != null) {
                        synchronized (leaders) {
                            leaders.add(new Samples.LeaderSample(clock.getAsLong(), s.id(), v.leader(), v.term(),
                                    v.commitIndex(), v.appliedIndex()));
                        }
                    }
                }));
                polls.add(get(s, "/v1/debug/state-hash").thenAccept(body -> {
                    StateHashView h = read(body, StateHashView.class);
                    if (h != null) {
                        synchronized (hashes) {
                            hashes.add(new Samples.HashSample(clock.getAsLong(), s.id(), h.revision(), h.hash()));
                        }
                    }
                }));
            }
            try {
                CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new))
                        .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // a server that does not answer in time is simply not sampled this round
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private CompletableFuture<byte[]> get(ServerProcess s, String path) {
        return http.sendAsync(HttpRequest.newBuilder(s.apiUrl().resolve(path)).timeout(TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> r.statusCode() == 200 ? r.body() : null)
                .exceptionally(e -> null);
    }

    private static <T> T read(byte[] body, Class<T> type) {
        if (body == null) {
            return null;
        }
        try {
            return Json.lenient().readValue(body, type);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public List<Samples.LeaderSample> leaders() {
        synchronized (leaders) {
            return List.copyOf(leaders);
        }
    }

    public List<Samples.HashSample> hashes() {
        synchronized (hashes) {
            return List.copyOf(hashes);
        }
    }
}
