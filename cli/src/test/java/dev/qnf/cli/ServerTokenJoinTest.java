package dev.qnf.cli;

import dev.qnf.testing.FreePorts;
import dev.qnf.api.client.Joiner;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.TlsFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code qnf server --join JOIN-URL --token T --ca-hash H} on real in-process servers (Raft, API and join port over
 * TLS, RocksDB in temp dirs): a one-server cluster whose CA key is encrypted at rest grows to three servers that
 * joined with server tokens alone (no CA directory copied), and a joined server can itself sign a node's join.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTokenJoinTest {
    static final String PASSPHRASE = "correct horse battery staple";
    Path dir;
    Path passphraseFile;
    final List<ServerCommand.Running> running = new ArrayList<>();
    ServerCommand.Running first;
    String pin;
    QnfClient admin;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    void startFirst(@TempDir Path dir) throws Exception {
        this.dir = dir;
        passphraseFile = dir.resolve("secret/passphrase");
        Files.createDirectories(passphraseFile.getParent());
        Files.writeString(passphraseFile, PASSPHRASE + "\n");
        first = start("s1", "--ca-passphrase-file", passphraseFile.toString());
        Path ca = dir.resolve("s1/pki/ca");
        assertThat(Files.readString(ca.resolve(ClusterPki.CA_KEY))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY");
        ClusterPki pki = ClusterPki.load(ca, Clock.systemUTC(), CaPassphrase.of(PASSPHRASE));
        admin = QnfClient.connect(pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")), first.server().apiUrl());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.readiness().ready());
        first.server().announced().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    /** {@code qnf server --id ID ...more} on fresh ports, with a join port, in this JVM. */
    ServerCommand.Running start(String id, String... more) throws Exception {
        return start(id, FreePorts.base(3), more);
    }

    /** The same on the ports base+1 (Raft), base+2 (API), base+3 (join port): a restart uses its old ones. */
    ServerCommand.Running start(String id, int base, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--id", id, "--data", dir.resolve(id).toString(),
                "--raft", "127.0.0.1:" + (base + 1), "--api", "127.0.0.1:" + (base + 2),
                "--join-port", "127.0.0.1:" + (base + 3)));
        args.addAll(List.of(more));
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        ServerCommand.Running r = command.start(new PrintStream(log, true, StandardCharsets.UTF_8), null);
        running.add(r);
        return r;
    }

    String joinUrl(ServerCommand.Running r) {
        return "https://127.0.0.1:" + r.server().joinPort();
    }

    TokenCreated token(String role) {
        TokenCreated created = admin.createToken(new TokenRequest(600L, 1, role, null));
        pin = created.caHash();
        return created;
    }

    /** Runs {@code qnf server ...} through picocli's error handling, as main does. */
    QnfRun qnfServer(String... args) {
        return QnfRun.of(concat(new String[]{"server"}, args));
    }

    @Test
    void serversJoinWithTokensAloneAndTheClusterGrowsToThreeVotersThatAcceptWrites() throws Exception {
        // a node token offered by a server is refused and stays unspent (a node can still use it)
        TokenCreated nodeToken = token("node");
        int base = FreePorts.base(2);
        QnfRun refused = qnfServer("--id", "wrong", "--data", dir.resolve("wrong").toString(),
                "--raft", "127.0.0.1:" + (base + 1), "--api", "127.0.0.1:" + (base + 2),
                "--join", joinUrl(first), "--token", nodeToken.token(), "--ca-hash", pin);
        assertThat(refused.code()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.err()).contains("refused the token", "is for a node, not a server");
        assertThat(dir.resolve("wrong/pki/ca/ca.key")).doesNotExist();

        TokenCreated t2 = token("server");
        int s2Ports = FreePorts.base(3);
        String[] s2Args = {"--join", joinUrl(first), "--token", t2.token(), "--ca-hash", pin};
        ServerCommand.Running s2 = start("s2", s2Ports, s2Args);
        TokenCreated t3 = token("server");
        // s3 joins through s2, which holds the CA only because it joined with a token
        ServerCommand.Running s3 = start("s3", "--join", joinUrl(s2) + "/", "--token", t3.token(), "--ca-hash", pin,
                "--ca-passphrase-file", passphraseFile.toString());
        assertThat(s2.added().get(120, TimeUnit.SECONDS)).isTrue();
        assertThat(s3.added().get(120, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.readString(dir.resolve("s2/pki/ca/ca.key"))).startsWith("-----BEGIN PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("s3/pki/ca/ca.key"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARNING: the cluster CA key in "
                + dir.resolve("s2/pki/ca") + " is not encrypted").doesNotContain(PASSPHRASE);
        assertThat(TlsFiles.in(dir.resolve("s3/pki")).load().spiffeId())
                .isEqualTo(SpiffeId.server(ClusterPki.DEFAULT_TRUST_DOMAIN, "s3"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ClusterView c = admin.cluster();
            assertThat(c.members()).extracting(ClusterView.Peer::id).containsExactlyInAnyOrder("s1", "s2", "s3");
            assertThat(c.members()).extracting(ClusterView.Peer::role).doesNotContain("LISTENER", "UNKNOWN");
        });
        // the cluster accepts writes through a joined server's API, and they reach every member
        try (QnfClient viaS3 = QnfClient.connect(TlsFiles.in(dir.resolve("admin")), s3.server().apiUrl())) {
            assertThat(viaS3.createNetwork(NetworkRequest.of("joined", "10.77.0.0/24")).created()).isTrue();
        }
        try (QnfClient viaS2 = QnfClient.connect(TlsFiles.in(dir.resolve("admin")), s2.server().apiUrl())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(viaS2.getNetwork("joined", true).name()).isEqualTo("joined"));
        }

        // restarted with the same command line (its token now spent), s2 uses its identity and is a member again
        s2.close();
        running.remove(s2);
        s2 = start("s2", s2Ports, s2Args);
        assertThat(s2.added().get(120, TimeUnit.SECONDS)).isTrue();
        try (QnfClient viaS2 = QnfClient.connect(TlsFiles.in(dir.resolve("admin")), s2.server().apiUrl())) {
            // asked again while s2 catches up; an attempt answered 503 may still have been committed, and the next
            // one then answers the existing network (created false): either way the write went through s2
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    viaS2.createNetwork(NetworkRequest.of("after-restart", "10.78.0.0/24")) != null);
            assertThat(viaS2.getNetwork("after-restart", false).cidr()).isEqualTo("10.78.0.0/24");
        }

        // a joined server signs a node's join itself: it holds the CA key
        TlsFiles node = Joiner.join(joinUrl(s3), nodeToken.token(), pin, "edge-1", dir.resolve("edge-1"));
        assertThat(node.load().spiffeId()).isEqualTo(SpiffeId.node(ClusterPki.DEFAULT_TRUST_DOMAIN, "edge-1"));

        // the server token is single use: a fourth server with s2's token is refused and gets nothing
        QnfRun reused = qnfServer("--id", "s4", "--data", dir.resolve("s4").toString(),
                "--raft", "127.0.0.1:" + (base + 1), "--api", "127.0.0.1:" + (base + 2),
                "--join", joinUrl(first), "--token", t2.token(), "--ca-hash", pin);
        assertThat(reused.code()).as(reused.toString()).isEqualTo(5);
        assertThat(reused.err()).contains("used up");
        assertThat(dir.resolve("s4/pki/ca/ca.key")).doesNotExist();
        assertThat(dir.resolve("s4/pki/key.pem")).doesNotExist();
    }

    @Test
    void missingOptionsAndAWrongPinAreClearErrors() {
        int base = FreePorts.base(2);
        String[] common = {"--id", "x1", "--data", dir.resolve("x1").toString(), "--raft", "127.0.0.1:" + (base + 1),
                "--api", "127.0.0.1:" + (base + 2)};
        QnfRun noPin = qnfServer(concat(common, "--join", joinUrl(first), "--token", "abcdef.0123456789abcdef"));
        assertThat(noPin.code()).isEqualTo(2);
        assertThat(noPin.err()).contains("--token needs --ca-hash");
        QnfRun noJoin = qnfServer(concat(common, "--token", "abcdef.0123456789abcdef", "--ca-hash", "sha256:00"));
        assertThat(noJoin.code()).isEqualTo(2);
        assertThat(noJoin.err()).contains("--token needs --join");
        QnfRun wrongPin = qnfServer(concat(common, "--join", joinUrl(first), "--token", token("server").token(),
                "--ca-hash", "sha256:" + "ab".repeat(32)));
        assertThat(wrongPin.code()).isEqualTo(5);
        assertThat(wrongPin.err()).contains("does not serve the CA", "refusing to send the token");
        QnfRun noPassphrase = qnfServer("--id", "s1", "--data", dir.resolve("s1").toString(),
                "--raft", "127.0.0.1:" + (base + 1), "--api", "127.0.0.1:" + (base + 2), "--pki",
                dir.resolve("s1/pki").toString());
        assertThat(noPassphrase.code()).as(noPassphrase.toString()).isEqualTo(4);
        assertThat(noPassphrase.err()).contains("is encrypted", "--ca-passphrase-file");
        assertThatThrownBy(() -> ClusterPki.load(dir.resolve("s1/pki/ca"), Clock.systemUTC(),
                CaPassphrase.of("not the passphrase at all"))).hasMessageContaining("does not decrypt");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
