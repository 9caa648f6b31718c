package dev.qnf.cli;

import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.ServerPki;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A local cluster of {@code qnf server} child processes: their ports, data directories and command lines. */
final class DevCluster {
    /** One planned server. */
    record Server(String id, Path dataDir, String apiAddress, String raftAddress) {
        String apiUrl() {
            return "https://" + apiAddress;
        }

        Path log() {
            return dataDir.resolve("server.log");
        }

        Path restartScript() {
            return dataDir.resolve("restart.sh");
        }
    }

    record Started(Server server, Process process) {
    }

    /** Lifetime of the dev admin certificate: longer than a server's or a node's, so the CLI keeps working. */
    static final Duration ADMIN_LIFETIME = Duration.ofDays(30);

    private final Path dir;
    private final List<Server> servers;

    private DevCluster(Path dir, List<Server> servers) {
        this.dir = dir;
        this.servers = servers;
    }

    static DevCluster plan(Path dir, int nodes, int basePort) {
        List<Server> servers = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            servers.add(new Server("n" + i, dir.resolve("n" + i), "127.0.0.1:" + (basePort + i),
                    "127.0.0.1:" + (basePort + 10 + i)));
        }
        return new DevCluster(dir, servers);
    }

    List<Server> servers() {
        return servers;
    }

    List<String> apiUrls() {
        return servers.stream().map(Server::apiUrl).toList();
    }

    /** The command line that runs {@code server} with the same JVM and class path as this process. */
    List<String> commandLine(Server server) {
        String peers = servers.stream().map(s -> s.id() + "=" + s.raftAddress()).collect(Collectors.joining(","));
        List<String> cmd = new ArrayList<>(detachedSession());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Qnf.class.getName());
        cmd.addAll(List.of("server", "--id", server.id(), "--data", server.dataDir().toString(),
                "--raft", server.raftAddress(), "--api", server.apiAddress(), "--peers", peers));
        return cmd;
    }

    /**
     * Children run in their own session, so that Ctrl-C reaches only {@code qnf dev}, which then stops them in
     * order (sandboxes, agent, servers) instead of everyone dying at once.
     */
    static List<String> detachedSession() {
        return Files.isExecutable(Path.of("/usr/bin/setsid")) ? List.of("/usr/bin/setsid") : List.of();
    }

    /** The cluster CA of this dev cluster (created on first use), kept in {@code <dir>/ca}. */
    ClusterPki pki() {
        Path ca = dir.resolve("ca");
        return ClusterPki.exists(ca) ? ClusterPki.load(ca) : ClusterPki.create(ca, ClusterPki.DEFAULT_TRUST_DOMAIN);
    }

    /** The admin identity the CLI uses ({@code <dir>/admin}), issued again when missing or past half its life. */
    TlsFiles admin() {
        TlsFiles files = TlsFiles.in(dir.resolve("admin"));
        if (!files.exist() || ServerPki.dueForRenewal(files.load(), java.time.Instant.now())) {
            pki().issueUser("admin", Role.ADMIN, ADMIN_LIFETIME, dir.resolve("admin"));
        }
        return files;
    }

    List<Started> start() throws IOException {
        List<Started> started = new ArrayList<>();
        ClusterPki pki = pki();
        for (Server s : servers) {
            Files.createDirectories(s.dataDir());
            // every server holds the CA and issues (and renews) its own certificate from it on start
            if (!ClusterPki.exists(s.dataDir().resolve("pki").resolve("ca"))) {
                pki.copyTo(s.dataDir().resolve("pki").resolve("ca"));
            }
            List<String> cmd = commandLine(s);
            writeRestartScript(s, cmd);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(s.log().toFile())).start();
            started.add(new Started(s, p));
        }
        return started;
    }

    private static void writeRestartScript(Server s, List<String> cmd) throws IOException {
        String quoted = cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        Files.writeString(s.restartScript(), "#!/bin/sh\n# restarts " + s.id() + " of the dev cluster from its data dir\n"
                + "exec " + quoted + " >> '" + s.log() + "' 2>&1\n");
        Files.setPosixFilePermissions(s.restartScript(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Waits until every server answers /readyz with 200 (it has a leader and has caught up). */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
                .sslContext(Tls.clientContext(ReloadingIdentity.of(admin()))).sslParameters(Tls.clientParameters())
                .build();
        Instant deadline = Instant.now().plus(timeout);
        for (Server s : servers) {
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.apiUrl() + "/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("server " + s.id() + " not ready after " + timeout.toSeconds()
                            + " s; see " + s.log());
                }
                Thread.sleep(200);
            }
        }
    }

    static void stop(List<Started> started) {
        started.forEach(s -> s.process().destroy());
        for (Started s : started) {
            try {
                if (!s.process().waitFor(10, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                s.process().destroyForcibly();
            }
        }
    }
}
