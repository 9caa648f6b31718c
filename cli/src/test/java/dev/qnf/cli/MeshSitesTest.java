package dev.qnf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.json.PolicyFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two sites ({@link SimulatedMesh}): site a on the public segment with a1 (a gateway with a public endpoint) and a2 (no
 * public endpoint), site b's host b1 on a LAN behind a router that masquerades (nft). b1 dials a1 with persistent
 * keepalive and a1 learns b1's address behind the NAT; a2 and b1 cannot reach each other, so their traffic goes
 * through the gateway a1 in both directions. a2's agent serves /metrics (the mesh peer figures), and a second
 * network that stays default deny checks that policies hold across sites. b1 is what an operator bringing in a new
 * site starts: {@code qnf agent --join} with a token of site b, no CA material and no {@code --site}.
 */
@Tag("root")
class MeshSitesTest {
    private static final String PUBLIC = "172.31.214.";
    private static final String LAN_B = "10.77.0.";
    private static final int METRICS_PORT = 9471;

    static SimulatedMesh lab;
    static SimulatedMesh.Host a1;
    static SimulatedMesh.Host a2;
    static SimulatedMesh.Host b1;

    @BeforeAll
    static void sites(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(SimulatedMesh.missing() == null, SimulatedMesh.missing());
        lab = new SimulatedMesh(dir, ProcessHandle.current().pid() + "s", PUBLIC);
        try {
            lab.start();
            lab.segment("lanb");
            lab.router("b", PUBLIC + "10", "lanb", LAN_B + "1");
            a1 = lab.host("a1", "ul", PUBLIC + "1", null, "--site", "a", "--gateway",
                    "--public-endpoint", PUBLIC + "1:51820");
            a2 = lab.host("a2", "ul", PUBLIC + "2", null, "--site", "a", "--metrics-listen", PUBLIC + "2:" + METRICS_PORT);
            // site b is new: b1 has only a token of site b and the CA pin, and joins through the NAT
            b1 = lab.joiningHost("b1", "b", "lanb", LAN_B + "2", LAN_B + "1", "--wg-keepalive", "5");
            for (SimulatedMesh.Host h : List.of(a1, a2, b1)) {
                lab.container(h);
            }
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theNattedSiteDialsOutAndThePublicSideLearnsItsAddress() {
        await().atMost(Duration.ofSeconds(60)).until(() -> b1.ping(a1) && a1.ping(b1));
        String b1Key = lab.client.getNode(b1.node).publicKey();
        String a1Key = lab.client.getNode(a1.node).publicKey();
        // a1 was never told where b1 is: the endpoint it has is the router's public address, learned from b1's packets
        assertThat(a1.wg("endpoints")).containsPattern(java.util.regex.Pattern.quote(b1Key) + "\\s+"
                + java.util.regex.Pattern.quote(PUBLIC + "10") + ":\\d+");
        assertThat(b1.wg("persistent-keepalive")).containsPattern(java.util.regex.Pattern.quote(a1Key) + "\\s+5");
    }

    @Test
    void aNodeOfANewSiteJoinsWithASiteTokenAndStaysInThatSite() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> b1.ping(a1) && a2.ping(b1));   // through WireGuard
        // its identity came from the join port (through the NAT), its site from the token
        assertThat(TlsFiles.in(b1.tls).load().spiffeId().toString()).isEqualTo("spiffe://mesh.qnf/node/b1");
        try (var files = java.nio.file.Files.list(b1.tls)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("its key, certificate, the bundle and its site")
                    .containsExactlyInAnyOrder("key.pem", "cert.pem", "bundle.pem", "site");
        }
        assertThat(lab.client.getNode(b1.node).site()).isEqualTo("b");
        assertThat(lab.client.listTokens().tokens()).filteredOn(t -> t.redeemedBy().contains("b1")).singleElement()
                .satisfies(t -> {
                    assertThat(t.site()).isEqualTo("b");
                    assertThat(t.usesLeft()).isZero();
                });
        // with its own identity it cannot move itself to site a
        try (QnfClient asB1 = QnfClient.connect(TlsFiles.in(b1.tls), lab.server.apiUrl())) {
            assertThatThrownBy(() -> asB1.registerNode("b1", new NodeRequest("a", List.of(LAN_B + "2"), null, null)))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("joined site b");
                    });
        }
        assertThat(lab.client.getNode(b1.node).site()).isEqualTo("b");
        // an agent that says it is in another site than its token's stops with the reason, the token unspent
        TokenCreated other = lab.siteToken("b", 1);
        SimulatedMesh.Run wrong = b1.run(Duration.ofSeconds(90), "agent", "--node", "b9", "--endpoint",
                lab.server.apiUrl().toString(), "--join", lab.joinUrl(), "--token", other.token(), "--ca-hash",
                other.caHash(), "--site", "a", "--tls-dir", b1.home.resolve("b9-tls").toString(), "--state-dir",
                b1.home.resolve("b9-state").toString(), "--socket", b1.home.resolve("b9.sock").toString());
        assertThat(wrong.exit()).as(wrong.output()).isEqualTo(1);
        assertThat(wrong.output()).contains("error: INVALID_ARGUMENT", "is for site b, not a");
        assertThat(lab.client.listTokens().tokens()).filteredOn(t -> other.token().startsWith(t.id())).singleElement()
                .satisfies(t -> assertThat(t.usesLeft()).isEqualTo(1));

        // restarted with the same command line (its token used up): it keeps its identity and registers in b again
        b1.stop();
        long lastLease = lab.client.getNode(b1.node).leaseExpiresAtMillis();   // no registrations while stopped
        b1.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> java.nio.file.Files.readString(b1.home.resolve("agent.log"))
                .contains("node b1 already has its identity"));
        await().atMost(Duration.ofSeconds(60)).until(() -> lab.client.getNode(b1.node).leaseExpiresAtMillis()
                > lastLease);   // a registration of the restarted agent (no --site) was accepted
        assertThat(lab.client.getNode(b1.node).site()).isEqualTo("b");
        await().atMost(Duration.ofSeconds(60)).until(() -> b1.ping(a1) && a2.ping(b1));
    }

    @Test
    void nodesThatCannotReachEachOtherTalkThroughTheGateway() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> a2.ping(b1) && b1.ping(a2));
        String a2Key = lab.client.getNode(a2.node).publicKey();
        String b1Key = lab.client.getNode(b1.node).publicKey();
        String a1Key = lab.client.getNode(a1.node).publicKey();
        // no tunnel between them: each has only the gateway (and its own site) as peers
        assertThat(a2.wg("peers")).doesNotContain(b1Key).contains(a1Key);
        assertThat(b1.wg("peers")).doesNotContain(a2Key).contains(a1Key);
        // b1's container block is routed through the gateway's peer entry on a2
        String b1Block = b1.containerIp.substring(0, b1.containerIp.lastIndexOf('.')) + ".0/24";
        assertThat(a2.wg("allowed-ips")).containsPattern(java.util.regex.Pattern.quote(a1Key) + ".*"
                + java.util.regex.Pattern.quote(b1Block));
        // and qnf mesh status says so
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Qnf());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("mesh", "status", "--node", a2.node, "--wg-interface", a2.wg, "--endpoint",
                lab.server.apiUrl().toString(), "--tls-dir", lab.dir.resolve("admin").toString())).isZero();
        assertThat(out.toString()).containsPattern("b1\\s+b\\s+via a1\\s+" + java.util.regex.Pattern.quote(PUBLIC + "1:51820"))
                .containsPattern("a1\\s+a\\s+direct");
        // and so do a2's metrics: b1's row is the gateway's entry, whose rx bytes grow with traffic to b1
        long before = await().atMost(Duration.ofSeconds(30)).until(() -> rxBytes(a2, "b1", "a1"), v -> v > 0);
        assertThat(scrape(a2)).containsPattern("qnf_mesh_peer_rx_bytes_total\\{peer=\"a1\",via=\"direct\"} \\d")
                .containsPattern("qnf_mesh_peer_last_handshake_seconds\\{peer=\"b1\",via=\"a1\"} 1\\.\\d+E9")
                .containsPattern("qnf_mesh_peers [1-9]");
        a2.inContainer("ping", "-c", "3", "-i", "0.2", "-s", "1000", "-W", "2", b1.containerIp);
        await().atMost(Duration.ofSeconds(30)).until(() -> rxBytes(a2, "b1", "a1"), v -> v >= before + 3 * 1000);
    }

    /** IPv6 between a2 and b1, which only the gateway a1 connects; a1 has no container in that network. */
    @Test
    void ipv6CrossesSitesThroughTheGateway() {
        String network = "sites6";
        lab.client.createNetwork(new NetworkRequest(network, "10.216.0.0/16", "fd00:216::/64", null, null, null, false,
                24, null, null, null));
        lab.client.applyPolicies(new PolicyFile(List.of(), java.util.Map.of(network, "allow"), List.of()));
        String fromA = "sxa" + lab.tag;
        String fromB = "sxb" + lab.tag;
        String a = container6(a2, network, fromA);
        String b = container6(b1, network, fromB);
        await().atMost(Duration.ofSeconds(60)).until(() -> ping6(fromA, b) && ping6(fromB, a));
    }

    private static String container6(SimulatedMesh.Host h, String network, String name) {
        try {
            return lab.container6(h, network, name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean ping6(String fromContainer, String to) {
        try {
            SimulatedMesh.sh("ip", "netns", "exec", "qnf-demo-" + fromContainer, "ping", "-6", "-c", "1", "-W", "2", to);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * The policy issue's rules across sites, on a network that stays default deny: client (a2) → server (b1) is
     * allowed and connects through the gateway; other (a1) → server is allowed by the server's ingress on port 7999
     * only, so it is dropped by a1's egress until other gets an egress rule (the sending host), and then still
     * dropped on every other port by b1's ingress (the receiving host).
     */
    @Test
    void aDeniedPairStaysDeniedAcrossSites() throws Exception {
        lab.client.createNetwork(new NetworkRequest(POLICED, "10.215.0.0/16", null, null, null, null, false, 24, null,
                null, null));
        applyPolicies(false);
        String server = lab.container(b1, POLICED, "srv" + lab.tag, "app=server");
        lab.container(a2, POLICED, "cli" + lab.tag, "app=client");
        lab.container(a1, POLICED, "oth" + lab.tag, "app=other");
        await().atMost(Duration.ofSeconds(60)).until(() -> tcpArrives("cli", "srv", server, nextPort()));
        assertThat(tcpArrives("oth", "srv", server, 7999)).as("a1's egress has no rule for other").isFalse();

        applyPolicies(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> tcpArrives("oth", "srv", server, 7999));
        assertThat(tcpArrives("oth", "srv", server, nextPort())).as("b1's ingress allows other on 7999 only").isFalse();
        assertThat(tcpArrives("cli", "srv", server, nextPort())).as("the allowed pair still connects").isTrue();
    }

    private static final String POLICED = "meshpol";
    private static int port = 7100;

    private static int nextPort() {
        return port++;
    }

    private static void applyPolicies(boolean otherMaySend) throws Exception {
        String otherEgress = otherMaySend ? """
                , {"name": "other", "networks": ["meshpol"], "selector": {"matchLabels": {"app": "other"}},
                   "egress": [{"action": "allow", "to": [{"endpoints": {"matchLabels": {"app": "server"}}}]}]}""" : "";
        lab.client.applyPolicies(new ObjectMapper().readValue("""
                {"defaults": {"%s": "allow"},
                 "policies": [
                  {"name": "server", "networks": ["meshpol"], "selector": {"matchLabels": {"app": "server"}},
                   "ingress": [{"action": "allow", "from": [{"endpoints": {"matchLabels": {"app": "client"}}}]},
                               {"action": "allow", "from": [{"endpoints": {"matchLabels": {"app": "other"}}}],
                                "ports": [{"protocol": "tcp", "port": 7999}]}]},
                  {"name": "client", "networks": ["meshpol"], "selector": {"matchLabels": {"app": "client"}},
                   "egress": [{"action": "allow", "to": [{"endpoints": {"matchLabels": {"app": "server"}}}]}]}%s]}"""
                .formatted(SimulatedMesh.NETWORK, otherEgress), PolicyFile.class));
    }

    /**
     * A line sent over TCP from container {@code from} to a listener on {@code port} in container {@code to} (both
     * of this run): true if it arrived. The listener is up before the send, so false means the SYN was dropped.
     */
    private static boolean tcpArrives(String from, String to, String address, int port) throws Exception {
        String toNs = "qnf-demo-" + to + lab.tag;
        String marker = "qnf-policy-" + port;
        CompletableFuture<String> listener = CompletableFuture.supplyAsync(() -> SimulatedMesh.sh("ip", "netns", "exec",
                toNs, "sh", "-c", "timeout 15 busybox nc -l -p " + port + "; true"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !SimulatedMesh.sh("ip", "netns", "exec", toNs, "ss", "-Hltn",
                "sport = :" + port).isBlank());
        SimulatedMesh.sh("ip", "netns", "exec", "qnf-demo-" + from + lab.tag, "sh", "-c",
                "echo " + marker + " | busybox nc -w 3 " + address + " " + port + "; true");
        return listener.get(40, TimeUnit.SECONDS).contains(marker);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String scrape(SimulatedMesh.Host h) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + h.address + ":" + METRICS_PORT
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of qnf_mesh_peer_rx_bytes_total for that row on {@code h}'s agent; -1 while there is none. */
    private static long rxBytes(SimulatedMesh.Host h, String peer, String via) throws Exception {
        Matcher m = Pattern.compile("qnf_mesh_peer_rx_bytes_total\\{peer=\"" + peer + "\",via=\"" + via
                + "\"} (\\S+)").matcher(scrape(h));
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
