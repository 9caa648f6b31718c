package dev.qnf.cli;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.pki.CaKeyException;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerPki;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;

/** {@code qnf server}: one control-plane server, until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run one control-plane server (Raft member + gRPC/REST API).",
                "Found a cluster alone (no --peers, no --join), start as one of --peers, or join a running cluster: "
                        + "with a server token (qnf token create --role server) via --join JOIN-URL --token T "
                        + "--ca-hash H, which also brings the cluster CA; or via --join API-URL with a copied CA."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM", "2:bad options", "3:data directory older than what it acknowledged",
                "4:cluster CA key encrypted and no or a wrong passphrase, or an unusable passphrase file",
                "5:joining with the token failed (refused token, wrong pin, no CA key delivered)"})
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
            description = "join a running cluster instead of bootstrapping. With --token: URL is an existing server's "
                    + "join port (https://HOST:JOIN-PORT, as for qnf agent --join); this server gets its certificate "
                    + "and the cluster CA with the token, then asks the API that server announces to add it. Without "
                    + "--token: URL is an existing server's API, and this server must already hold the cluster CA "
                    + "(copied CA directory). Adding is asked again until it answers; a restarted member asks again, "
                    + "which is a no-op")
    String join;

    @Option(names = "--token", description = "a server-role join token (qnf token create --role server), used once, "
            + "on the first start; needs --join and --ca-hash")
    String token;

    @Option(names = "--ca-hash", paramLabel = "sha256:HEX", description = "the cluster CA pin qnf token create printed")
    String caHash;

    @Option(names = "--ca-passphrase-file", paramLabel = "FILE",
            description = "keep the cluster CA key encrypted at rest under the passphrase in FILE (at least "
                    + "12 characters; keep it on another medium than --data, e.g. a tmpfs or a secret store's "
                    + "mount). Default: $QNF_CA_PASSPHRASE_FILE; without either the key is a plain 0600 file")
    Path caPassphraseFile;

    @Option(names = "--join-port", paramLabel = "HOST:PORT",
            description = "also serve /v1/join here (TLS without client certificates): nodes exchange join tokens "
                    + "for certificates signed by this server's CA, servers server tokens for a certificate and the "
                    + "CA key (default: no join port)")
    String joinPort;

    @Option(names = "--pki", paramLabel = "DIR",
            description = "TLS identity (bundle.pem, cert.pem, key.pem) and cluster CA (ca/) of this server "
                    + "(default: <data>/pki); a server founding a cluster alone creates the CA here")
    Path pki;

    @Option(names = "--cluster", defaultValue = ClusterPki.DEFAULT_TRUST_DOMAIN,
            description = "cluster name (SPIFFE trust domain) for a CA created here (default: ${DEFAULT-VALUE})")
    String cluster;

    /** Environment variable naming the CA passphrase file when --ca-passphrase-file is not given. */
    static final String PASSPHRASE_ENV = "QNF_CA_PASSPHRASE_FILE";

    /** A started server: the process's one server, the joiner adding it (null when not joining), its PKI. */
    record Running(QnfServer server, CompletableFuture<Boolean> added, ServerPki pki) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        Running running = start(System.out, System.getenv(PASSPHRASE_ENV));
        if (running == null) {
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "qnf-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Everything up to serving: the identity (created, joined with a token, or loaded), the server, certificate
     * renewal and, with --join, the background membership request. Null (after printing why) for unusable options.
     */
    Running start(PrintStream out, String passphraseEnv) throws Exception {
        if (join != null && peers != null) {
            throw new InvalidInputException("--join and --peers exclude each other");
        }
        if (token != null && join == null) {
            throw new InvalidInputException("--token needs --join (an existing server's join port URL)");
        }
        if (token != null && caHash == null) {
            throw new InvalidInputException("--token needs --ca-hash (the CA pin qnf token create printed)");
        }
        if (caHash != null && token == null) {
            throw new InvalidInputException("--ca-hash is for joining with --token");
        }
        Map<String, String> group = parsePeers(peers);
        CaPassphrase passphrase = passphrase(passphraseEnv);
        ServerPki identity = new ServerPki(pki != null ? pki : data.resolve("pki"), id,
                List.of(host(api), host(raft)), Clock.systemUTC(), passphrase);
        Supplier<URI> membershipUrl = join == null ? null : () -> URI.create(join);
        if (token != null) {
            membershipUrl = joinWithToken(identity, out);
        }
        boolean alone = join == null && (group.isEmpty() || group.keySet().equals(java.util.Set.of(id)));
        boolean creating = alone && !identity.hasIdentity();
        TlsFiles tls = identity.prepare(alone, cluster);
        if (creating && !passphrase.isPresent()) {
            warnPlainKey(out, identity);
        }
        // the CA this server holds also renews agents' and users' certificates (POST /v1/certificates/renew)
        ServerConfig config = ServerConfig.of(id, data, raft, api, group, join != null).withTls(tls)
                .withCa(identity.caDir(), passphrase);
        if (joinPort != null) {
            config = config.withJoinPort(joinPort, identity.caDir(), passphrase);
        }
        QnfServer server = QnfServer.start(config);
        // renewal at half life from the CA this server holds; the API and Raft pick the new files up by themselves
        ScheduledExecutorService renewals = DaemonThreads.scheduler("qnf-cert-renewal");
        renewals.scheduleWithFixedDelay(() -> {
            try {
                if (identity.renewIfDue()) {
                    out.println("qnf server " + id + ": renewed its certificate");
                }
            } catch (RuntimeException e) {
                out.println("qnf server " + id + ": certificate renewal failed: " + e.getMessage());
            }
        }, 1, 1, TimeUnit.MINUTES);
        out.println("qnf server " + id + " serving " + server.apiUrl() + " (raft " + raft + ", data " + data + ")");
        CompletableFuture<Boolean> added = null;
        if (join != null) {
            // in the background, until the cluster answers: this server serves meanwhile (see Joiner)
            added = Joiner.start(membershipUrl, tls, id, raft, out, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
        return new Running(server, added, identity);
    }

    /**
     * The first start with a token: get a certificate and the cluster CA through the join port; a restart (the
     * identity is there, the token spent) only asks the join port which API to be added at, in the background
     * until it answers. Returns where to find that API URL.
     */
    private Supplier<URI> joinWithToken(ServerPki identity, PrintStream out) {
        String joinUrl = join.replaceAll("/+$", "");
        if (identity.hasIdentity()) {
            return () -> URI.create(dev.qnf.api.client.Joiner.apiUrlOf(joinUrl, identity.files().load()));
        }
        dev.qnf.api.client.Joiner.ServerJoined joined;
        try {
            joined = dev.qnf.api.client.Joiner.joinServer(joinUrl, token, caHash, id, identity.files().cert().getParent(),
                    identity.passphrase());
        } catch (QnfApiException e) {
            throw new JoinFailedException(e.httpStatus() == 0 ? "cannot reach the join port " + joinUrl + ": "
                    + e.getMessage() : "the cluster at " + joinUrl + " refused the token: " + e.code() + ": "
                    + e.getMessage());
        } catch (CaKeyException | IllegalStateException e) {
            throw new JoinFailedException("joining through " + joinUrl + " failed: " + e.getMessage());
        }
        out.println("qnf server " + id + " joined with a token: certificate " + joined.identity().load().spiffeId()
                + ", cluster CA in " + identity.caDir() + "; asking " + joined.apiUrl() + " to add it");
        if (!identity.passphrase().isPresent()) {
            warnPlainKey(out, identity);
        }
        URI api = URI.create(joined.apiUrl());
        return () -> api;
    }

    private CaPassphrase passphrase(String env) {
        Path file = caPassphraseFile != null ? caPassphraseFile
                : env != null && !env.isBlank() ? Path.of(env) : null;
        return file == null ? CaPassphrase.none() : CaPassphrase.fromFile(file);
    }

    private static void warnPlainKey(PrintStream out, ServerPki identity) {
        out.println("WARNING: the cluster CA key in " + identity.caDir() + " is not encrypted at rest (0600 file): "
                + "anyone who reads this disk or a backup of it can issue certificates for the cluster. Give "
                + "--ca-passphrase-file (or " + PASSPHRASE_ENV + ") to encrypt it; see docs/security.md.");
    }

    /** A join with a token that did not work (refused, wrong pin, no CA key delivered): one line, exit code 5. */
    static final class JoinFailedException extends RuntimeException {
        JoinFailedException(String message) {
            super(message);
        }
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
