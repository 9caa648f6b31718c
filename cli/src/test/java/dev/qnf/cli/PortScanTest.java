package dev.qnf.cli;

import dev.qnf.testing.FreePorts;
import dev.qnf.agent.metrics.MetricsServer;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A port scan of a running 3-server cluster started as {@code qnf server} starts it (API, Raft and join ports, in
 * this JVM): every TCP port the servers listen on — found from the kernel's socket table, not from the config, so a
 * listener nobody meant to open is scanned too — speaks TLS with a server certificate of the cluster, gives no HTTP
 * answer to plaintext HTTP/1.1 or an HTTP/2 preface, and refuses a TLS client without a certificate; the one
 * exception, the join port, serves {@code /v1/join} and nothing else (every other path 404, no state). The servers
 * have no metrics port of their own ({@code /metrics} is on the mTLS API port); the only plaintext port in QNF is
 * the agent's opt-in {@code --metrics-listen}, which the probe must and does recognise as plaintext.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PortScanTest {
    /** Paths of the API (and of gRPC) that the join port must not serve. */
    private static final List<String> NOT_ON_THE_JOIN_PORT = List.of("GET /v1/networks", "GET /v1/nodes",
            "GET /v1/cluster", "GET /v1/audit", "GET /v1/tokens", "GET /v1/watch", "GET /v1/debug/state-hash",
            "GET /healthz", "GET /readyz", "GET /metrics", "GET /docs/", "GET /", "POST /v1/networks",
            "POST /v1/tokens", "POST /v1/certificates/renew", "POST /qnf.v1.Networks/List", "GET /v1/join/other");

    @TempDir
    Path dir;

    @Test
    void noServerPortAnswersPlaintextOrAStrangerExceptTheJoinPortsJoinRoutes() throws Exception {
        Set<Integer> before = ListeningSockets.tcpPorts();
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), ClusterPki.DEFAULT_TRUST_DOMAIN);
        int base = FreePorts.base(9);
        StringBuilder peers = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            peers.append(i > 1 ? "," : "").append("s").append(i).append("=127.0.0.1:").append(base + i);
        }
        List<ServerCommand.Running> servers = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            for (int i = 1; i <= 3; i++) {
                pki.copyTo(dir.resolve("s" + i).resolve("pki").resolve("ca"));   // as qnf dev hands out the CA
                ServerCommand command = new ServerCommand();
                new CommandLine(command).parseArgs("--id", "s" + i, "--data", dir.resolve("s" + i).toString(),
                        "--raft", "127.0.0.1:" + (base + i), "--api", "127.0.0.1:" + (base + 3 + i),
                        "--join-port", "127.0.0.1:" + (base + 6 + i), "--peers", peers.toString());
                servers.add(command.start(new PrintStream(log, true, StandardCharsets.UTF_8), null));
            }
            try (QnfClient admin = QnfClient.connect(pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")),
                    servers.stream().map(r -> r.server().apiUrl()).toArray(String[]::new))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.readiness().ready());
            }

            Set<Integer> opened = new TreeSet<>(ListeningSockets.tcpPorts());
            opened.removeAll(before);
            Set<Integer> joinPorts = new TreeSet<>();
            for (int i = 1; i <= 3; i++) {
                joinPorts.add(base + 6 + i);
            }
            // the scan sees every configured port (and scans whatever else is open)
            for (int p = base + 1; p <= base + 9; p++) {
                assertThat(opened).as("listening ports of the servers").contains(p);
            }

            Map<Integer, String> findings = new HashMap<>();
            for (int port : opened) {
                String problem = scan(port, joinPorts.contains(port));
                if (problem != null) {
                    findings.put(port, problem);
                }
            }
            assertThat(findings).as("ports (of " + opened + ") a stranger gets something from").isEmpty();
        } finally {
            for (int i = servers.size() - 1; i >= 0; i--) {
                servers.get(i).close();
            }
        }
    }

    @Test
    void theProbeRecognisesAPlaintextListenerTheAgentsOptInMetricsPort() throws Exception {
        Set<Integer> before = ListeningSockets.tcpPorts();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer metrics = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), registry, () -> {
        })) {
            int port = metrics.address().getPort();
            Set<Integer> opened = new TreeSet<>(ListeningSockets.tcpPorts());
            opened.removeAll(before);
            assertThat(opened).contains(port);
            assertThat(PortProbe.isHttp(PortProbe.plaintextHttp1(port))).as("plaintext HTTP/1.1 answered").isTrue();
            assertThat(scan(port, false)).as("what the scan reports for a plaintext port").isNotNull();
        }
    }

    /** What is wrong with {@code port}, or null when a stranger gets nothing from it (the join port: only /v1/join). */
    private static String scan(int port, boolean joinPort) {
        byte[] h1 = PortProbe.plaintextHttp1(port);
        if (PortProbe.isHttp(h1)) {
            return "answers plaintext HTTP/1.1: " + printable(h1);
        }
        byte[] h2 = PortProbe.plaintextHttp2(port);
        if (PortProbe.isHttp(h2)) {
            return "answers a plaintext HTTP/2 preface: " + printable(h2);
        }
        PortProbe.TlsAnswer tls = PortProbe.tlsWithoutCertificate(port, "GET", "/v1/networks");
        if (tls.serverChain() == null) {
            return "does not speak TLS with a certificate (a plaintext listener of some protocol?)";
        }
        SpiffeId id = SpiffeId.of(tls.serverChain()[0]);
        if (id.kind() != SpiffeId.Kind.SERVER) {
            return "presents " + id + ", not a server identity";
        }
        if (!joinPort) {
            return tls.servedHttp() ? "serves a client without a certificate: " + tls.statusLine() : null;
        }
        PortProbe.TlsAnswer bundle = PortProbe.tlsWithoutCertificate(port, "GET", "/v1/join/bundle");
        if (!bundle.servedHttp() || bundle.status() != 200) {
            return "join port does not serve GET /v1/join/bundle: " + bundle.statusLine();
        }
        for (String request : NOT_ON_THE_JOIN_PORT) {
            String[] mp = request.split(" ");
            PortProbe.TlsAnswer other = PortProbe.tlsWithoutCertificate(port, mp[0], mp[1]);
            if (!other.servedHttp() || other.status() != 404) {
                return "join port answers " + request + " with " + other.statusLine() + " (expected 404)";
            }
        }
        return null;
    }

    private static String printable(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", ".");
    }
}
