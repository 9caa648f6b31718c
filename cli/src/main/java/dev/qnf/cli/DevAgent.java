package dev.qnf.cli;

import dev.qnf.agent.netlink.Link;
import dev.qnf.agent.netlink.Rtnetlink;
import dev.qnf.agent.nft.NftFirewall;
import dev.qnf.agent.reconcile.HostNames;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.pki.ClusterPki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node agent that {@code qnf dev} starts for the local host when it runs as root, as its own process so that
 * killing and restarting it behaves as in production. Its state and CNI socket live in the dev data directory.
 */
final class DevAgent {
    static final String NODE = "dev-host";

    private final Path dir;
    private final Process process;

    private DevAgent(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    static boolean canRun() {
        return "root".equals(System.getProperty("user.name")) && Files.isDirectory(Path.of("/proc/self/ns"));
    }

    static DevAgent start(Path dataDir, List<String> apiUrls, ClusterPki pki) throws IOException {
        Path dir = dataDir.resolve("agent");
        Files.createDirectories(dir);
        pki.issueNode(NODE, dir.resolve("tls"));   // the agent's identity: spiffe://<cluster>/node/dev-host
        List<String> cmd = new ArrayList<>(DevCluster.detachedSession());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Qnf.class.getName(), "agent",
                "--node", NODE, "--endpoint", String.join(",", apiUrls), "--tls-dir", dir.resolve("tls").toString(),
                "--state-dir", dir.resolve("state").toString(), "--socket", socket(dataDir).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile())).start();
        return new DevAgent(dir, p);
    }

    static Path socket(Path dataDir) {
        return dataDir.resolve("agent").resolve("agent.sock");
    }

    void awaitSocket(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!Files.exists(dir.resolve("agent.sock"))) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the node agent did not start; see " + log());
            }
            Thread.sleep(200);
        }
    }

    Path log() {
        return dir.resolve("agent.log");
    }

    long pid() {
        return process.pid();
    }

    /**
     * Stops the agent, then removes what it programmed on this host (QNF's nftables tables and bridges). A real agent
     * leaves them in place when it stops (fail static); a dev cluster going away should leave the host clean.
     */
    void stopAndCleanHost() {
        stop();
        try {
            new NftFirewall(NetNs.host()).removeAll();
            try (Rtnetlink links = Rtnetlink.open(NetNs.host())) {
                for (Link link : links.links()) {
                    if (HostNames.isQnfBridge(link) || HostNames.isQnfVeth(link)) {
                        links.deleteLink(link.name());
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("qnf dev: could not clean QNF's host state: " + e.getMessage());
        }
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
