package dev.qnf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestControlPlane;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.api.json.AllocationView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent as a CNI plugin, driven through the real plugin client exactly as a runtime drives it, against a real
 * single-node control plane and real namespaces (the agent's "host" is a namespace too).
 */
@Tag("root")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CniConformanceTest {
    static TestControlPlane cp;

    @BeforeAll
    static void controlPlane(@TempDir Path dir) throws Exception {
        TestNamespaces.assumeRoot();
        cp = TestControlPlane.start(dir.resolve("cp"));
        cp.network("blue", "10.91.0.0/24", "fd00:91::/64", true);
        cp.network("gc", "10.92.0.0/24", null, false);
        cp.network("errs", "10.93.0.0/24", null, false);
        cp.network("ports", "10.94.0.0/24", null, true);
        cp.network("restart", "10.95.0.0/24", null, true);
        cp.network("static", "10.96.0.0/24", null, true);
        cp.network("capped", "10.97.0.0/24", null, false);
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void addGivesASpecResultAndContainersTalkAndResolveEachOtherByName(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-a")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            JsonNode r1 = lab.add("blue", "cid1", c1, "IgnoreUnknown=1;K8S_POD_NAMESPACE=web;K8S_POD_NAME=web", c -> { });
            JsonNode r2 = lab.add("blue", "cid2", c2, "K8S_POD_NAME=db",
                    c -> c.putObject("runtimeConfig").putArray("aliases").add("database"));

            // the result, per SPEC 1.0.0
            assertThat(r1.path("cniVersion").asText()).isEqualTo("1.0.0");
            JsonNode ifs = r1.path("interfaces");
            assertThat(ifs).hasSize(2);
            assertThat(ifs.get(0).path("name").asText()).matches("qv[0-9a-f]{12}");
            assertThat(ifs.get(0).has("sandbox")).isFalse();
            assertThat(ifs.get(1).path("name").asText()).isEqualTo("eth0");
            assertThat(ifs.get(1).path("sandbox").asText()).isEqualTo(c1.path().toString());
            String ip1 = address(r1, 0);
            String ip2 = address(r2, 0);
            assertThat(r1.path("ips").get(0).path("address").asText()).isEqualTo(ip1 + "/24");
            assertThat(r1.path("ips").get(0).path("gateway").asText()).isEqualTo("10.91.0.1");
            assertThat(r1.path("ips").get(0).path("interface").asInt()).isEqualTo(1);
            assertThat(r1.path("ips").get(0).has("version")).as("no 'version' from 1.0.0 on").isFalse();
            assertThat(r1.path("ips").get(1).path("address").asText()).startsWith("fd00:91::").endsWith("/64");
            assertThat(r1.path("routes").toString()).contains("\"dst\":\"0.0.0.0/0\",\"gw\":\"10.91.0.1\"",
                    "\"dst\":\"::/0\",\"gw\":\"fd00:91::1\"");
            assertThat(r1.path("dns").path("nameservers").toString()).isEqualTo("[\"10.91.0.1\",\"fd00:91::1\"]");
            assertThat(r1.path("dns").path("search").toString()).isEqualTo("[\"blue.qnf.internal\"]");

            // addresses come from QNF's IPAM and carry the attachment
            AllocationView a1 = allocation("blue", "cid1").orElseThrow();
            assertThat(a1.ip()).isEqualTo(ip1);
            assertThat(a1.node()).isEqualTo("node-a");
            assertThat(a1.ifName()).isEqualTo("eth0");
            assertThat(ifs.get(1).path("mac").asText()).isEqualTo(a1.mac());
            assertThat(AgentLab.exec(c1, "ip", "-o", "addr", "show", "eth0").stdout()).contains(" " + ip1 + "/24");
            assertThat(AgentLab.exec(c1, "ip", "-o", "-6", "addr", "show", "eth0", "scope", "link").stdout())
                    .as("the kernel made the link-local address the port guard allows (EUI-64 of the MAC)")
                    .contains(" " + new dev.qnf.agent.nft.Ruleset.Port("qv0", a1.mac()).linkLocal() + "/64");

            assertThat(lab.check("blue", "cid1", c1, r1).exit()).as("CHECK").isZero();

            // traffic and names
            assertThat(AgentLab.ping(c1, ip2)).isTrue();
            assertThat(AgentLab.ping(c2, address(r1, 1))).as("IPv6").isTrue();
            assertThat(AgentLab.tcp(c2, c1, ip1, 0, ip1, 0)).isEqualTo("hello seen from " + ip2);
            lab.resolvConf(c1, r1);
            lab.resolvConf(c2, r2);
            assertThat(AgentLab.exec(c2, "getent", "ahostsv4", "web").stdout()).as("bare name via the search list")
                    .contains(ip1);
            assertThat(AgentLab.exec(c1, "getent", "ahostsv4", "db.blue.qnf.internal").stdout()).contains(ip2);
            assertThat(AgentLab.exec(c1, "getent", "ahostsv4", "database").stdout()).as("alias").contains(ip2);
            assertThat(AgentLab.exec(c1, "dig", "+short", "-x", ip2, "@10.91.0.1").stdout().strip())
                    .isEqualTo("db.blue.qnf.internal.");

            // a retried ADD gets the same address; DEL twice is fine
            JsonNode again = lab.add("blue", "cid1", c1, "K8S_POD_NAME=web", c -> { });
            assertThat(address(again, 0)).isEqualTo(ip1);
            assertThat(AgentLab.ping(c1, ip2)).isTrue();
            assertThat(lab.del("blue", "cid1", c1).exit()).isZero();
            assertThat(lab.del("blue", "cid1", c1).exit()).isZero();
            assertThat(allocation("blue", "cid1")).isEmpty();
            assertThat(AgentLab.exec(c1, "ip", "link", "show", "eth0").exit()).isNotZero();
            assertThat(lab.check("blue", "cid1", c1, r1).code()).as("CHECK after DEL").isEqualTo(3);
            assertThat(AgentLab.ping(c2, ip2)).isTrue();
        }
    }

    @Test
    void delIsIdempotentWhateverIsGoneAndGcRemovesWhatTheRuntimeNoLongerLists(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-gc")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            NetNs c3 = lab.container("c3");
            lab.add("gc", "gc1", c1, null, c -> { });
            JsonNode r2 = lab.add("gc", "gc2", c2, null, c -> { });
            lab.add("gc", "gc3", c3, null, c -> { });

            TestNamespaces.sh("ip", "netns", "del", AgentLab.nameOf(c1));
            assertThat(lab.del("gc", "gc1", c1).exit()).as("DEL after the namespace is gone").isZero();
            assertThat(allocation("gc", "gc1")).isEmpty();
            assertThat(lab.del("gc", "never-added", c2).exit()).as("DEL of what was never added").isZero();
            assertThat(lab.cni("DEL", "gc9", null, "eth0", null, AgentLab.conf("gc", "1.0.0")).exit())
                    .as("DEL without CNI_NETNS").isZero();

            var gc = AgentLab.conf("gc", "1.1.0");
            gc.putArray("cni.dev/valid-attachments").addObject().put("containerID", "gc2").put("ifname", "eth0");
            assertThat(lab.cni("GC", null, null, null, null, gc).exit()).isZero();
            assertThat(allocation("gc", "gc3")).isEmpty();
            assertThat(AgentLab.exec(c3, "ip", "link", "show", "eth0").exit()).as("c3's interface").isNotZero();
            assertThat(allocation("gc", "gc2")).isPresent();
            assertThat(lab.check("gc", "gc2", c2, r2).exit()).isZero();
            assertThat(AgentLab.ping(c2, "10.92.0.1")).isTrue();
            assertThat(lab.agent.store().attachments()).extracting(a -> a.containerId()).containsExactly("gc2");
        }
    }

    @Test
    void badInputGetsTheSpecsErrorCodes(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-errs")) {
            NetNs c1 = lab.container("c1");
            java.util.Map<String, String> add = java.util.Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "e1",
                    "CNI_NETNS", c1.path().toString(), "CNI_IFNAME", "eth0");
            AgentLab.Call undecodable = lab.raw(add, "{\"cniVersion\": \"1.0.0\", \"name\": ");
            assertThat(undecodable.exit()).isEqualTo(1);
            assertThat(undecodable.json().path("code").asInt()).isEqualTo(6);
            assertThat(undecodable.json().path("cniVersion").asText()).isEqualTo("1.0.0");
            assertThat(undecodable.json().path("msg").asText()).isNotEmpty();

            assertThat(lab.raw(add, "{\"cniVersion\":\"1.0.0\",\"type\":\"qnf\"}").code()).as("no name").isEqualTo(7);
            assertThat(lab.raw(add, "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"network\":\"Bad_Name\"}").code())
                    .as("invalid network name").isEqualTo(7);
            assertThat(lab.cni("ADD", "e1", c1, "eth0", null, AgentLab.conf("nosuch", "1.0.0")).code())
                    .as("network not in QNF").isEqualTo(7);
            assertThat(lab.cni("ADD", "e1", c1, "eth0", null, AgentLab.conf("errs", "0.2.0")).code())
                    .as("unsupported version").isEqualTo(1);
            assertThat(lab.cni("ADD", null, c1, "eth0", null, AgentLab.conf("errs", "1.0.0")).code())
                    .as("no CNI_CONTAINERID").isEqualTo(4);
            assertThat(lab.cni("ADD", "e1", null, "eth0", null, AgentLab.conf("errs", "1.0.0")).code())
                    .as("no CNI_NETNS").isEqualTo(4);
            assertThat(lab.cni("ADD", "e1", c1, "eth0/1", null, AgentLab.conf("errs", "1.0.0")).code())
                    .as("bad CNI_IFNAME").isEqualTo(4);
            assertThat(lab.cni("ADD", "e1", c1, "eth0", "K8S_POD_NAME", AgentLab.conf("errs", "1.0.0")).code())
                    .as("malformed CNI_ARGS").isEqualTo(4);
            var ipam = AgentLab.conf("errs", "1.0.0");
            ipam.putObject("ipam").put("type", "host-local");
            assertThat(lab.cni("ADD", "e1", c1, "eth0", null, ipam).code()).as("ipam section").isEqualTo(2);
            var hostIp = AgentLab.conf("errs", "1.0.0");
            hostIp.putObject("runtimeConfig").putArray("portMappings").addObject().put("hostPort", 8080)
                    .put("containerPort", 80).put("protocol", "tcp").put("hostIP", "127.0.0.1");
            assertThat(lab.cni("ADD", "e1", c1, "eth0", null, hostIp).code()).as("hostIP").isEqualTo(2);
            var badType = AgentLab.conf("errs", "1.0.0");
            badType.putObject("runtimeConfig").put("portMappings", "8080:80");
            assertThat(lab.cni("ADD", "e1", c1, "eth0", null, badType).code()).as("wrong JSON type").isEqualTo(6);
            assertThat(lab.cni("FROB", "e1", c1, "eth0", null, AgentLab.conf("errs", "1.0.0")).code()).isEqualTo(4);
            assertThat(lab.check("errs", "e1", c1, AgentLab.JSON.createObjectNode()).code()).as("CHECK unknown")
                    .isEqualTo(3);
            assertThat(lab.agent.store().attachments()).isEmpty();
            assertThat(cp.client().listAllocations("errs").allocations()).isEmpty();

            assertThat(lab.status("errs").exit()).as("STATUS when ready").isZero();
            assertThat(lab.cni("STATUS", null, null, null, null, AgentLab.conf("errs", "1.0.0")).code())
                    .as("STATUS needs 1.1.0").isEqualTo(1);
            AgentLab.Call version = lab.cni("VERSION", null, null, null, null, AgentLab.conf("errs", "1.1.0"));
            assertThat(version.json().path("supportedVersions").toString()).contains("1.0.0", "1.1.0");
        }
    }

    @Test
    void theResultReportsTheMtuTheContainerGotWhenTheHostCapsIt(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-mtu")) {
            lab.agent.loop().reconciler().limitMtu(1320);   // what the mesh does: the tunnel carries less than 1500
            NetNs c1 = lab.container("c1");
            JsonNode r = lab.add("capped", "mtu1", c1, null, c -> c.put("cniVersion", "1.1.0"));
            assertThat(r.path("interfaces").get(0).path("mtu").asInt()).as("host end").isEqualTo(1320);
            assertThat(r.path("interfaces").get(1).path("mtu").asInt()).as("container end").isEqualTo(1320);
            assertThat(AgentLab.exec(c1, "ip", "-o", "link", "show", "eth0").stdout()).contains(" mtu 1320 ");
            assertThat(cp.client().getNetwork("capped").mtu()).as("the network's own MTU is larger").isEqualTo(1500);
        }
    }

    @Test
    void publishedPortsReachTheContainerFromTheHostAndByHairpin(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-ports")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            NetNs c3 = lab.container("c3");
            JsonNode r1 = lab.add("ports", "web", c1, null, c -> c.putObject("runtimeConfig").putArray("portMappings")
                    .addObject().put("hostPort", 18080).put("containerPort", 8080).put("protocol", "tcp"));
            JsonNode r2 = lab.add("ports", "client", c2, null, c -> { });
            String web = address(r1, 0);

            assertThat(AgentLab.tcp(lab.host, c1, web, 8080, "10.94.0.1", 18080)).as("from the host itself")
                    .startsWith("hello");
            assertThat(AgentLab.tcp(c2, c1, web, 8080, "10.94.0.1", 18080)).as("hairpin, masqueraded")
                    .isEqualTo("hello seen from 10.94.0.1");
            assertThat(AgentLab.tcp(c2, c1, web, 8080, web, 8080)).as("direct").isEqualTo("hello seen from "
                    + address(r2, 0));

            AgentLab.Call clash = lab.cni("ADD", "other", c3, "eth0", null, portConf(18080));
            assertThat(clash.code()).as(clash.toString()).isEqualTo(101);
            assertThat(allocation("ports", "other")).as("no address leaked by the refused ADD").isEmpty();

            assertThat(lab.del("ports", "web", c1).exit()).isZero();
            assertThat(AgentLab.exec(lab.host, "nft", "list", "ruleset").stdout()).doesNotContain("18080");
            assertThat(lab.cni("ADD", "other", c3, "eth0", null, portConf(18080)).exit()).as("port free again").isZero();
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode portConf(int hostPort) {
        var c = AgentLab.conf("ports", "1.0.0");
        c.putObject("runtimeConfig").putArray("portMappings").addObject().put("hostPort", hostPort)
                .put("containerPort", 80).put("protocol", "tcp");
        return c;
    }

    @Test
    void aRestartedAgentAdoptsTheHostWithoutDisturbingContainers(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-restart")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            JsonNode r1 = lab.add("restart", "r1", c1, "K8S_POD_NAME=one", c -> { });
            JsonNode r2 = lab.add("restart", "r2", c2, "K8S_POD_NAME=two", c -> { });
            String veths = links(lab.host);
            String rules = AgentLab.exec(lab.host, "nft", "list", "ruleset").stdout();

            lab.stopAgent();
            assertThat(AgentLab.ping(c1, address(r2, 0))).as("while the agent is down").isTrue();

            lab.startAgent();
            assertThat(links(lab.host)).as("same links, same indexes: adopted, not recreated").isEqualTo(veths);
            assertThat(AgentLab.exec(lab.host, "nft", "list", "ruleset").stdout()).isEqualTo(rules);
            assertThat(lab.check("restart", "r1", c1, r1).exit()).isZero();
            assertThat(AgentLab.ping(c1, address(r2, 0))).isTrue();
            lab.resolvConf(c1, r1);
            assertThat(AgentLab.exec(c1, "getent", "ahostsv4", "two").stdout()).contains(address(r2, 0));
            assertThat(lab.del("restart", "r2", c2).exit()).isZero();
            assertThat(allocation("restart", "r2")).isEmpty();
        }
    }

    /** Runs last: it stops the shared control plane and starts it again. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withTheControlPlaneDownAddSaysTryAgainLaterAndContainersKeepWorking(@TempDir Path dir) throws Exception {
        try (AgentLab lab = AgentLab.start(cp, dir, "node-static")) {
            NetNs c1 = lab.container("c1");
            NetNs c2 = lab.container("c2");
            NetNs c3 = lab.container("c3");
            JsonNode r1 = lab.add("static", "s1", c1, "K8S_POD_NAME=one", c -> { });
            JsonNode r2 = lab.add("static", "s2", c2, "K8S_POD_NAME=two", c -> { });

            cp.stopServer();
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> !lab.agent.connected());
                AgentLab.Call add = lab.cni("ADD", "s3", c3, "eth0", null, AgentLab.conf("static", "1.0.0"));
                assertThat(add.exit()).isEqualTo(1);
                assertThat(add.code()).as(add.toString()).isEqualTo(11);
                assertThat(lab.status("static").code()).isEqualTo(50);
                lab.agent.loop().runOnce(dev.qnf.agent.reconcile.Reconciler.Mode.ADOPT);
                assertThat(AgentLab.ping(c1, address(r2, 0))).as("fail static").isTrue();
                lab.resolvConf(c1, r1);
                assertThat(AgentLab.exec(c1, "getent", "ahostsv4", "two").stdout()).contains(address(r2, 0));
                assertThat(lab.check("static", "s1", c1, r1).exit()).isZero();
                assertThat(lab.del("static", "s2", c2).exit()).as("DEL while away").isZero();
                assertThat(lab.agent.store().pendingReleases()).hasSize(1);
                assertThat(lab.cni("ADD", "s2", c2, "eth0", null, AgentLab.conf("static", "1.0.0")).code())
                        .as("the same container again, still away").isEqualTo(11);
                assertThat(lab.agent.store().pendingReleases()).as("the release stays queued").hasSize(1);
            } finally {
                cp.startServer();
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lab.agent.ready());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> lab.agent.store().pendingReleases().isEmpty());
            assertThat(allocation("static", "s2")).as("queued release done").isEmpty();
            assertThat(lab.status("static").exit()).isZero();
            assertThat(lab.cni("ADD", "s3", c3, "eth0", null, AgentLab.conf("static", "1.0.0")).exit()).isZero();
            assertThat(AgentLab.ping(c3, address(r1, 0))).isTrue();
        }
    }

    /** Name, index and master of every link in {@code ns}. */
    private static String links(NetNs ns) {
        StringBuilder sb = new StringBuilder();
        for (String line : AgentLab.exec(ns, "ip", "-o", "link").stdout().split("\n")) {
            String[] f = line.split(":? +");
            if (f.length > 1) {
                sb.append(f[0]).append(' ').append(f[1]).append(line.contains(" master ") ? " " + line.replaceAll(
                        ".* master (\\S+).*", "$1") : "").append('\n');
            }
        }
        return sb.toString();
    }

    static String address(JsonNode result, int i) {
        String a = result.path("ips").get(i).path("address").asText();
        return a.substring(0, a.indexOf('/'));
    }

    static Optional<AllocationView> allocation(String network, String containerId) {
        List<AllocationView> all = cp.client().listAllocations(network).allocations();
        return all.stream().filter(v -> containerId.equals(v.containerId())).findFirst();
    }
}
