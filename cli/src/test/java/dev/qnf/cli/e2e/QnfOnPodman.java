package dev.qnf.cli.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.cli.Qnf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * QNF on a {@link PodmanFixture}: a single-node control plane with mTLS in this JVM (reachable from the fixture's
 * host namespace), an admin client and the admin's certificate directory for {@code qnf} commands, and one
 * {@code qnf agent} child process in the host namespace with its own node certificate. {@link #install} makes a
 * QNF network a podman network through {@code qnf cni install}, exactly as an operator would.
 */
final class QnfOnPodman implements AutoCloseable {
    static final String NODE = "e2e-node";
    private static final ObjectMapper JSON = new ObjectMapper();

    final PodmanFixture podman;
    final QnfServer server;
    final QnfClient qnf;
    /** The admin's certificate directory, for {@code qnf ... --tls-dir}. */
    final Path adminTls;
    final Agent agent;

    private QnfOnPodman(PodmanFixture podman, QnfServer server, QnfClient qnf, Path adminTls, Agent agent) {
        this.podman = podman;
        this.server = server;
        this.qnf = qnf;
        this.adminTls = adminTls;
        this.agent = agent;
    }

    /** Starts the server and the agent (with {@code agentArgs} added to its command line) and waits for both. */
    static QnfOnPodman start(PodmanFixture podman, Path dir, List<String> agentArgs) throws Exception {
        String api = podman.controlAddress() + ":" + freePort(podman.controlAddress());
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "e2e.qnf");
        QnfServer server = QnfServer.start(ServerConfig.of("e2e", dir.resolve("server"),
                "127.0.0.1:" + freePort("127.0.0.1"), api, Map.of(), false)
                .withTls(pki.issueServer("e2e", dir.resolve("server-tls"), List.of(podman.controlAddress()))));
        QnfClient qnf = null;
        try {
            Path adminTls = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")).cert().getParent();
            qnf = QnfClient.connect(pki.issueUser("setup", Role.ADMIN, dir.resolve("setup")), server.apiUrl());
            QnfClient client = qnf;
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.readiness().ready());
            server.announced().get(60, TimeUnit.SECONDS);
            Path agentTls = pki.issueNode(NODE, dir.resolve("agent-tls")).cert().getParent();
            Agent agent = new Agent(podman, server.apiUrl(), agentTls, agentArgs, dir.resolve("agent-state"),
                    dir.resolve("agent.sock"), dir.resolve("agent.log"));
            agent.start();
            return new QnfOnPodman(podman, server, qnf, adminTls, agent);
        } catch (Exception | Error e) {
            if (qnf != null) {
                qnf.close();
            }
            server.close();
            throw e;
        }
    }

    /** Creates the QNF network, installs the plugin for it and returns the podman network it became. */
    String install(NetworkRequest network) throws IOException {
        qnf.createNetwork(network);
        Set<String> before = podman.networks();
        assertThat(Qnf.run("cni", "install", "--bin-dir", podman.pluginDir().toString(), "--conf-dir",
                podman.confDir().toString(), "--network", network.name(), "--agent-socket", agent.socket.toString()))
                .as("qnf cni install").isZero();
        Set<String> added = new HashSet<>(podman.networks());
        added.removeAll(before);
        assertThat(added).as("podman networks added by qnf cni install").hasSize(1);
        String net = added.iterator().next();
        agent.awaitReady(net);
        return net;
    }

    /** {@code qnf ARGS --endpoint SERVER --tls-dir ADMIN} as a child process: what it printed, and its exit code. */
    Sh.Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                Qnf.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint", server.apiUrl(), "--tls-dir", adminTls.toString()));
        return Sh.run(cmd, Map.of(), Duration.ofSeconds(60));
    }

    /** Removes the containers while the agent still runs (so DEL reaches it), then stops agent, client and server. */
    @Override
    public void close() {
        try {
            podman.podman("rm", "-a", "-f", "-t", "0");
        } finally {
            try {
                agent.stop();
            } finally {
                try {
                    qnf.close();
                } finally {
                    server.close();
                }
            }
        }
    }

    static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code qnf agent} as a child process in the host namespace, with this JVM's class path. */
    static final class Agent {
        final Path socket;
        private final PodmanFixture podman;
        private final String endpoint;
        private final Path tls;
        private final List<String> extraArgs;
        private final Path stateDir;
        private final Path log;
        private Process process;
        private String readyNet;

        Agent(PodmanFixture podman, String endpoint, Path tls, List<String> extraArgs, Path stateDir, Path socket,
              Path log) {
            this.podman = podman;
            this.endpoint = endpoint;
            this.tls = tls;
            this.extraArgs = List.copyOf(extraArgs);
            this.stateDir = stateDir;
            this.socket = socket;
            this.log = log;
        }

        void start() {
            List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    Qnf.class.getName(), "agent", "--node", NODE, "--endpoint", endpoint, "--tls-dir", tls.toString(),
                    "--state-dir", stateDir.toString(), "--socket", socket.toString()));
            cmd.addAll(extraArgs);
            process = podman.startInHost(cmd, log);
        }

        /** {@link #awaitReady(String)} for the podman network the last wait was for. */
        void awaitReady() throws IOException {
            awaitReady(readyNet);
        }

        /**
         * Until the agent answers a CNI STATUS (control plane reached, host programmed), asked through the
         * installed plugin of podman network {@code net} exactly as a runtime would ask it.
         */
        void awaitReady(String net) throws IOException {
            readyNet = net;
            ObjectNode plugin = podman.pluginConfig(net).put("cniVersion", "1.1.0");
            Path binary = podman.pluginDir().resolve(plugin.path("type").asText());
            byte[] stdin = JSON.writeValueAsBytes(plugin);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(process.isAlive()).as("agent running; its log:\n%s", logTail(40)).isTrue();
                Sh.Result status = Sh.run(List.of(binary.toString()), Map.of("CNI_COMMAND", "STATUS",
                        "CNI_PATH", podman.pluginDir().toString()), Duration.ofSeconds(30), stdin);
                assertThat(status.exit()).as("%s", status).isZero();
            });
        }

        /** SIGKILL: no chance to clean anything up. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void stop() {
            if (process != null) {
                PodmanFixture.stop(process);
            }
        }

        String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                return "---- agent log (last " + lines + " lines)\n"
                        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "---- no agent log: " + e;
            }
        }
    }
}
