package dev.qnf.cli;

import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code qnf server}: one control-plane server, until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run one control-plane server (Raft member + gRPC/REST API).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "this server's Raft id, e.g. n1")
    String id;

    @Option(names = "--data", required = true, description = "data directory (Raft log, snapshots, state)")
    Path data;

    @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "Raft address (explicit port)")
    String raft;

    @Option(names = "--api", required = true, paramLabel = "HOST:PORT", description = "gRPC + REST address")
    String api;

    @Option(names = "--peers", paramLabel = "ID=HOST:PORT[,...]",
            description = "every initial member including this one; omit for a single-server cluster")
    String peers;

    @Option(names = "--join", paramLabel = "URL",
            description = "join a running cluster through this API URL instead of bootstrapping (asked again until "
                    + "it answers; a restarted member asks again, which is a no-op)")
    String join;

    @Override
    public Integer call() throws Exception {
        if (join != null && peers != null) {
            throw new InvalidInputException("--join and --peers exclude each other");
        }
        ServerConfig config = ServerConfig.of(id, data, raft, api, parsePeers(peers), join != null);
        QnfServer server = QnfServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "qnf-shutdown"));
        System.out.println("qnf server " + id + " serving " + server.apiUrl() + " (raft " + raft + ", data " + data + ")");
        if (join != null) {
            // in the background, until the cluster answers: this server serves meanwhile (see Joiner)
            Joiner.start(URI.create(join), id, raft, System.out, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
        stopped.await();
        return 0;
    }

    static Map<String, String> parsePeers(String text) {
        Map<String, String> peers = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return peers;
        }
        for (String item : text.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new InvalidInputException("--peers item '" + item + "' is not ID=HOST:PORT");
            }
            if (peers.put(kv[0].trim(), kv[1].trim()) != null) {
                throw new InvalidInputException("--peers names " + kv[0].trim() + " twice");
            }
        }
        return peers;
    }
}
