package dev.qnf.cli;

import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerPki;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    @Option(names = "--join-port", paramLabel = "HOST:PORT",
            description = "also serve /v1/join here (TLS without client certificates): nodes exchange join tokens "
                    + "for certificates signed by this server's CA (default: no join port)")
    String joinPort;

    @Option(names = "--pki", paramLabel = "DIR",
            description = "TLS identity (bundle.pem, cert.pem, key.pem) and cluster CA (ca/) of this server "
                    + "(default: <data>/pki); a server founding a cluster alone creates the CA here")
    Path pki;

    @Option(names = "--cluster", defaultValue = ClusterPki.DEFAULT_TRUST_DOMAIN,
            description = "cluster name (SPIFFE trust domain) for a CA created here (default: ${DEFAULT-VALUE})")
    String cluster;

    @Override
    public Integer call() throws Exception {
        if (join != null && peers != null) {
            throw new InvalidInputException("--join and --peers exclude each other");
        }
        Map<String, String> group = parsePeers(peers);
        ServerPki identity = new ServerPki(pki != null ? pki : data.resolve("pki"), id,
                List.of(host(api), host(raft)), Clock.systemUTC());
        boolean alone = join == null && (group.isEmpty() || group.keySet().equals(java.util.Set.of(id)));
        TlsFiles tls = identity.prepare(alone, cluster);
        ServerConfig config = ServerConfig.of(id, data, raft, api, group, join != null).withTls(tls);
        if (joinPort != null) {
            config = config.withJoinPort(joinPort, identity.caDir());
        }
        QnfServer server = QnfServer.start(config);
        // renewal at half life from the CA this server holds; the API and Raft pick the new files up by themselves
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qnf-cert-renewal");
            t.setDaemon(true);
            return t;
        });
        renewals.scheduleWithFixedDelay(() -> {
            try {
                if (identity.renewIfDue()) {
                    System.out.println("qnf server " + id + ": renewed its certificate");
                }
            } catch (RuntimeException e) {
                System.out.println("qnf server " + id + ": certificate renewal failed: " + e.getMessage());
            }
        }, 1, 1, TimeUnit.MINUTES);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "qnf-shutdown"));
        System.out.println("qnf server " + id + " serving " + server.apiUrl() + " (raft " + raft + ", data " + data + ")");
        if (join != null) {
            // in the background, until the cluster answers: this server serves meanwhile (see Joiner)
            Joiner.start(URI.create(join), tls, id, raft, System.out, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
        stopped.await();
        return 0;
    }

    private static String host(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
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
