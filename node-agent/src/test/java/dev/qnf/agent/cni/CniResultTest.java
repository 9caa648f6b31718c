package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.api.json.NetworkView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CniResultTest {
    static final NetworkView DUAL = new NetworkView("blue", "10.1.0.0/24", "fd00:1::/64", "10.1.0.1", "fd00:1::1",
            1450, true, 26, 122, false, Map.of(), null);
    static final LocalAttachment A = new LocalAttachment("blue", "c1:eth0", "c1", "eth0", "/run/netns/c1",
            "qv0123456789ab", "0a:58:0a:01:00:02", "10.1.0.2", "fd00:1::2", List.of(), Map.of(), DUAL, 5);
    static final Plumbing.Plugged PLUGGED = new Plumbing.Plugged("aa:bb:cc:dd:ee:ff", 1450);
    static final List<String> SEARCH = List.of("blue.qnf.internal", "qnf.internal");

    @Test
    void version100() {
        ObjectNode r = CniResult.of("1.0.0", A, PLUGGED, SEARCH, null, null);
        assertThat(r.toString()).isEqualTo("{\"cniVersion\":\"1.0.0\","
                + "\"interfaces\":[{\"name\":\"qv0123456789ab\",\"mac\":\"aa:bb:cc:dd:ee:ff\"},"
                + "{\"name\":\"eth0\",\"mac\":\"0a:58:0a:01:00:02\",\"sandbox\":\"/run/netns/c1\"}],"
                + "\"ips\":[{\"address\":\"10.1.0.2/24\",\"gateway\":\"10.1.0.1\",\"interface\":1},"
                + "{\"address\":\"fd00:1::2/64\",\"gateway\":\"fd00:1::1\",\"interface\":1}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"},{\"dst\":\"::/0\",\"gw\":\"fd00:1::1\"}],"
                + "\"dns\":{\"nameservers\":[\"10.1.0.1\",\"fd00:1::1\"],\"search\":[\"blue.qnf.internal\",\"qnf.internal\"]}}");
        assertThat(CniResult.addressesOf(r, "eth0", "/run/netns/c1")).containsExactly("10.1.0.2", "fd00:1::2");
    }

    @Test
    void olderVersionsCarryTheAddressVersionAnd110TheMtu() {
        JsonNode old = CniResult.of("0.4.0", A, new Plumbing.Plugged("", 1450), SEARCH, null, null);
        assertThat(old.path("ips").get(0).path("version").asText()).isEqualTo("4");
        assertThat(old.path("ips").get(1).path("version").asText()).isEqualTo("6");
        assertThat(old.path("interfaces").get(0).has("mac")).isFalse();
        JsonNode v110 = CniResult.of("1.1.0", A, PLUGGED, SEARCH, null, null);
        assertThat(v110.path("interfaces").get(1).path("mtu").asInt()).isEqualTo(1450);
    }

    @Test
    void theMtuIsTheOneTheInterfacesHaveNotTheNetworks() {
        // the mesh caps container interfaces below the network's 1450 (tunnel MTU 1420)
        JsonNode r = CniResult.of("1.1.0", A, new Plumbing.Plugged("aa:bb:cc:dd:ee:ff", 1420), SEARCH, null, null);
        assertThat(r.path("interfaces").get(0).path("mtu").asInt()).as("host end").isEqualTo(1420);
        assertThat(r.path("interfaces").get(1).path("mtu").asInt()).as("container end").isEqualTo(1420);
    }

    @Test
    void chainingKeepsThePreviousResultAndShiftsIndices() throws Exception {
        ObjectNode prev = (ObjectNode) JsonFields.JSON.readTree("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"lo\","
                + "\"sandbox\":\"/run/netns/c1\"}],\"ips\":[{\"address\":\"127.0.0.1/8\",\"interface\":0}],"
                + "\"dns\":{\"nameservers\":[\"9.9.9.9\"],\"options\":[\"ndots:2\"]}}");
        RuntimeConfig.Dns runtime = new RuntimeConfig.Dns(List.of("1.1.1.1"), List.of("corp.example"), List.of());
        JsonNode r = CniResult.of("1.0.0", A, PLUGGED, SEARCH, runtime, prev);
        assertThat(r.path("interfaces")).hasSize(3);
        assertThat(r.path("ips").get(0).path("address").asText()).isEqualTo("127.0.0.1/8");
        assertThat(r.path("ips").get(1).path("interface").asInt()).isEqualTo(2);
        assertThat(r.path("dns").path("nameservers").toString()).isEqualTo("[\"1.1.1.1\",\"10.1.0.1\",\"fd00:1::1\",\"9.9.9.9\"]");
        assertThat(r.path("dns").path("search").toString()).isEqualTo("[\"corp.example\",\"blue.qnf.internal\",\"qnf.internal\"]");
        assertThat(r.path("dns").path("options").toString()).isEqualTo("[\"ndots:2\"]");
    }
}
