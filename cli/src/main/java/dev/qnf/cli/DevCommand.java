package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code qnf dev}: a whole local cluster with one command. Each server is its own process, so that killing the
 * leader with {@code kill -9} is a real crash, exactly as in production.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start a local cluster of 1, 3 or 5 servers on loopback (one process each).")
final class DevCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "1", description = "1, 3 or 5 servers (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--data", description = "data directory (default: ~/.qnf/dev)")
    Path data;

    @Option(names = "--base-port", defaultValue = "7400",
            description = "server i gets API port base+i and Raft port base+10+i (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--fresh", description = "delete the data directory first")
    boolean fresh;

    @Option(names = "--demo", description = "once ready, create a network, allocate addresses and show the cluster")
    boolean demo;

    @Option(names = "--detach", description = "start the servers and return, leaving them running")
    boolean detach;

    @Option(names = "--no-agent", description = "do not start a node agent for this host (started by default as root)")
    boolean noAgent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (nodes != 1 && nodes != 3 && nodes != 5) {
            throw new InvalidInputException("--nodes must be 1, 3 or 5, not " + nodes);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = (data != null ? data : Path.of(System.getProperty("user.home"), ".qnf", "dev")).toAbsolutePath();
        if (fresh) {
            deleteTree(dir);
        }
        DevCluster cluster = DevCluster.plan(dir, nodes, basePort);
        List<DevCluster.Started> started = cluster.start();
        // One hook, undoing in reverse order of doing: sandboxes, then the agent, then the servers.
        Deque<Runnable> undo = new ConcurrentLinkedDeque<>();
        undo.push(() -> DevCluster.stop(started));
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> undo.forEach(Runnable::run), "qnf-dev-shutdown"));
        }
        out.printf("QNF dev cluster: %d server(s), data in %s%n", nodes, dir);
        for (DevCluster.Started s : started) {
            out.printf("  %-3s api %-24s raft %-16s pid %-7d log %s%n      restart after a crash: %s%n",
                    s.server().id(), s.server().apiUrl(), s.server().raftAddress(), s.process().pid(),
                    s.server().log(), s.server().restartScript());
        }
        out.flush();
        cluster.awaitReady(Duration.ofSeconds(90));
        TlsFiles admin = cluster.admin();
        ClientConfig.write(cluster.apiUrls(), admin.cert().getParent());
        out.printf("ready; the CLI now finds this cluster (and its admin certificate) through %s%n", ClientConfig.file());
        out.printf("mTLS only; with curl: curl --cacert %s --cert %s --key %s %s/v1/networks%n", admin.bundle(),
                admin.cert(), admin.key(), cluster.apiUrls().get(0));
        DevAgent agent = null;
        if (!noAgent && DevAgent.canRun()) {
            agent = DevAgent.start(dir, cluster.apiUrls(), cluster.pki());
            undo.push(agent::stopAndCleanHost);
            agent.awaitSocket(Duration.ofSeconds(60));
            out.printf("node agent for this host: pid %d, CNI socket %s, log %s%n", agent.pid(),
                    DevAgent.socket(dir), agent.log());
        } else if (!noAgent) {
            out.println("not root: no node agent started (containers need one; run as root for the full demo)");
        }
        if (demo) {
            try (QnfClient client = QnfClient.connect(cluster.apiUrls().stream().map(URI::create).toList(),
                    Duration.ofSeconds(10), admin)) {
                new Demo(client, new Output(Output.Format.table, out)).run();
                if (agent != null) {
                    DemoSandboxes sandboxes = DemoSandboxes.install(dir, "demo");
                    undo.push(sandboxes::remove);
                    new Demo(client, new Output(Output.Format.table, out)).containers(sandboxes);
                }
            }
        }
        if (detach) {
            out.println("servers left running; stop them with: kill " + started.stream()
                    .map(s -> String.valueOf(s.process().pid())).collect(Collectors.joining(" ")));
            return 0;
        }
        out.println("Ctrl-C stops the cluster.");
        out.flush();
        new CountDownLatch(1).await();
        return 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
