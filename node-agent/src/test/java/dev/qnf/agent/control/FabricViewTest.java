package dev.qnf.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.json.WatchMessage.Event;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FabricViewTest {
    static JsonNode json(String s) {
        try {
            return Json.lenient().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static final JsonNode BLUE = json("{\"name\":\"blue\",\"cidr\":\"10.1.0.0/24\",\"gateway\":\"10.1.0.1\",\"mtu\":1500,"
            + "\"nat\":true,\"blockPrefix\":26,\"allowOverlap\":false,\"labels\":{}}");

    static JsonNode endpoint(String id, String ip, String node) {
        return json("{\"network\":\"blue\",\"endpoint\":\"" + id + "\",\"ip\":\"" + ip + "\",\"node\":\"" + node
                + "\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"mac\":\"0a:58:0a:01:00:02\"}");
    }

    @Test
    void followsWatchEvents() {
        FabricView v = FabricView.empty();
        assertThat(v.known()).isFalse();
        v = v.apply(WatchMessage.events(2, List.of(new Event("PUT", "network/blue", BLUE))));
        v = v.apply(WatchMessage.events(3, List.of(new Event("PUT", "endpoint/blue/a:eth0", endpoint("a:eth0", "10.1.0.2", "n1")),
                new Event("PUT", "endpoint/blue/b", endpoint("b", "10.1.0.3", "n2")),
                new Event("PUT", "block/blue/10.1.0.0_26", json("{\"network\":\"blue\",\"cidr\":\"10.1.0.0/26\"}")))));
        assertThat(v.known()).isTrue();
        assertThat(v.revision()).isEqualTo(3);
        assertThat(v.network("blue").orElseThrow().gateway().toString()).isEqualTo("10.1.0.1");
        assertThat(v.endpointsOn("n1")).extracting(e -> e.id()).containsExactly("a:eth0");
        assertThat(v.endpointsOf("blue")).hasSize(2);

        FabricView before = v;
        v = v.apply(WatchMessage.events(4, List.of(new Event("DELETE", "endpoint/blue/a:eth0", null))));
        assertThat(v.endpoint("blue", "a:eth0")).isEmpty();
        assertThat(before.endpoint("blue", "a:eth0")).as("immutable").isPresent();
    }

    @Test
    void resyncReplacesEverything() {
        FabricView v = FabricView.empty().apply(WatchMessage.events(2, List.of(new Event("PUT", "network/blue", BLUE),
                new Event("PUT", "endpoint/blue/old", endpoint("old", "10.1.0.9", "n1")))));
        v = v.apply(WatchMessage.resync(90, List.of(new WatchMessage.KeyedObject("network/blue", BLUE),
                new WatchMessage.KeyedObject("endpoint/blue/new", endpoint("new", "10.1.0.4", "n1")))));
        assertThat(v.revision()).isEqualTo(90);
        assertThat(v.endpointsOn("n1")).extracting(e -> e.id()).containsExactly("new");
    }

    @Test
    void anUnreadableObjectIsSkippedNotFatal() {
        FabricView v = FabricView.empty().apply(WatchMessage.events(2, List.of(
                new Event("PUT", "network/bad", json("{\"name\":\"bad\",\"cidr\":\"not-a-cidr\"}")),
                new Event("PUT", "network/blue", BLUE))));
        assertThat(v.networks()).extracting(n -> n.name()).containsExactly("blue");
    }

    @Test
    void snapshotsRoundTrip() {
        FabricView v = FabricView.empty().apply(WatchMessage.events(5, List.of(new Event("PUT", "network/blue", BLUE),
                new Event("PUT", "endpoint/blue/a", endpoint("a", "10.1.0.2", "n1")))));
        FabricView back = FabricView.of(v.snapshot());
        assertThat(back.revision()).isEqualTo(5);
        assertThat(back.known()).isTrue();
        assertThat(back.network("blue")).isEqualTo(v.network("blue"));
        assertThat(back.endpoint("blue", "a")).isEqualTo(v.endpoint("blue", "a"));
    }

    @Test
    void backoffGrowsToItsCapAndResets() {
        Backoff b = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(800), new java.util.Random(1));
        long last = 0;
        for (int i = 0; i < 6; i++) {
            last = b.next().toMillis();
        }
        assertThat(last).isBetween(400L, 800L);
        b.reset();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }
}
