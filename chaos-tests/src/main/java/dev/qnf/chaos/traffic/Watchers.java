package dev.qnf.chaos.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Watching;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ServerProcess;
import dev.qnf.chaos.history.WatchLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Watch streams from revision 1, each through the public client's failover (it resumes after the last delivered
 * revision on whichever server answers). Each starts on a different server, so breaks happen at different times.
 */
public final class Watchers {
    private final Recorder recorder;
    private final List<WatchLog> logs = new ArrayList<>();
    private final List<Watching> streams = new ArrayList<>();

    public Watchers(Recorder recorder) {
        this.recorder = recorder;
    }

    public void start(ChaosCluster cluster, int count) {
        List<ServerProcess> members = cluster.members();
        for (int i = 0; i < count; i++) {
            List<ServerProcess> order = new ArrayList<>();
            for (int j = 0; j < members.size(); j++) {
                order.add(members.get((i + j) % members.size()));
            }
            WatchLog log = new WatchLog("watch-" + (i + 1) + "@" + order.get(0).id(), 1);
            QnfClient client = ChaosCluster.clientOf(order, ChaosCluster.OP_TIMEOUT);
            Watching w = client.watch(1L, message -> log.add(delivery(message)));
            w.done().whenComplete((v, e) -> {
                if (e != null) {
                    log.failed(e.toString());
                }
            });
            logs.add(log);
            streams.add(w);
        }
    }

    private WatchLog.Delivery delivery(WatchMessage m) {
        List<WatchLog.Event> events = new ArrayList<>();
        if (m.isResync()) {
            for (WatchMessage.KeyedObject o : m.objects()) {
                events.add(new WatchLog.Event("PUT", o.key(), canonical(o.key(), o.object())));
            }
        } else {
            for (WatchMessage.Event e : m.events()) {
                events.add(new WatchLog.Event(e.type(), e.key(), e.object() == null ? null : canonical(e.key(), e.object())));
            }
        }
        return new WatchLog.Delivery(recorder.now(), m.revision(), m.isResync(), events);
    }

    /** Endpoints by their address, everything else as JSON with sorted fields (servers order map keys freely). */
    static String canonical(String key, JsonNode object) {
        if (key.startsWith("endpoint/") && object.has("ip")) {
            return object.get("ip").asText();
        }
        return Json.withSortedFields(object).toString();
    }

    /** Waits until every stream has delivered a PUT of {@code key}, or the timeout passes. */
    public boolean awaitKey(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logs.stream().allMatch(l -> l.error() != null || l.deliveries().stream()
                    .anyMatch(d -> d.events().stream().anyMatch(e -> e.key().equals(key) && "PUT".equals(e.type()))))) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    public void stop() {
        streams.forEach(Watching::close);
    }

    public List<WatchLog> logs() {
        return List.copyOf(logs);
    }
}
