package dev.qnf.agent.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The IPv6 addresses of endpoints the mesh plane proxies for, as the watch delivers them. */
class MeshViewTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode endpoint(String id, String ip6, String node) {
        return JSON.valueToTree(new AllocationView("six", id, "10.214.0.2", ip6, node, null, null, null, Map.of(), 3L));
    }

    static WatchMessage put(long revision, String id, String ip6, String node) {
        return WatchMessage.events(revision, List.of(new WatchMessage.Event(WatchMessage.Event.PUT,
                "endpoint/six/" + id, endpoint(id, ip6, node))));
    }

    @Test
    void endpointsWithAnIpv6AddressAndANodeAreKeptUntilTheyGo() {
        MeshView v = MeshView.empty().apply(put(1, "e1", "fd00:214::2", "h1")).apply(put(2, "e2", null, "h1"))
                .apply(put(3, "e3", "fd00:214::4", null));
        assertThat(v.endpoints6()).containsExactly(new MeshView.Endpoint6("six", "h1", IpAddress.parse("fd00:214::2")));
        v = v.apply(put(4, "e1", "fd00:214::9", "h2"));
        assertThat(v.endpoints6()).containsExactly(new MeshView.Endpoint6("six", "h2", IpAddress.parse("fd00:214::9")));
        v = v.apply(WatchMessage.events(5, List.of(new WatchMessage.Event(WatchMessage.Event.DELETE, "endpoint/six/e1",
                null))));
        assertThat(v.endpoints6()).isEmpty();
    }

    @Test
    void aResyncReplacesThem() {
        MeshView v = MeshView.empty().apply(put(1, "e1", "fd00:214::2", "h1"));
        v = v.apply(WatchMessage.resync(9, List.of(new WatchMessage.KeyedObject("endpoint/six/e5",
                endpoint("e5", "fd00:214::5", "h3")))));
        assertThat(v.endpoints6()).containsExactly(new MeshView.Endpoint6("six", "h3", IpAddress.parse("fd00:214::5")));
        assertThat(v.revision()).isEqualTo(9);
    }
}
