package dev.qnf.cli;

import dev.qnf.api.client.Joiner;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qnf token} against a real single server with a join port (what {@code qnf server --join-port} opens): the
 * printed token and CA pin are what a node joins with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenCliTest {
    private static final Pattern PRINTED = Pattern.compile("qnf join token: (\\S+)  ca-hash: (sha256:[0-9a-f]{64})");
    QnfServer server;
    Path adminTls;
    Path dir;

    record Ran(int code, String out, String err) {
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        int base = Ports.freeBase(3);
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "tok.qnf");
        server = QnfServer.start(ServerConfig.of("tok", dir.resolve("data"), "127.0.0.1:" + (base + 1),
                "127.0.0.1:" + (base + 2), Map.of(), false).withTls(pki.issueServer("tok", dir.resolve("server-tls"),
                List.of("127.0.0.1", "localhost"))).withJoinPort("127.0.0.1:" + (base + 3), pki.dir()));
        adminTls = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")).cert().getParent();
        QnfClient qnf = QnfClient.connect(pki.issueUser("setup", Role.ADMIN, dir.resolve("setup")), server.apiUrl());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> qnf.readiness().ready());
        server.announced().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    synchronized Ran qnf(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 4];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--endpoint";
            all[args.length + 1] = server.apiUrl();
            all[args.length + 2] = "--tls-dir";
            all[args.length + 3] = adminTls.toString();
            int code = Qnf.run(all);
            return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aPrintedTokenAndPinLetANodeJoinOnce() {
        Ran created = qnf("token", "create", "--ttl", "10m", "--uses", "1", "--role", "node", "--site", "lab");
        assertThat(created.code()).as(created.toString()).isZero();
        Matcher m = PRINTED.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        String token = m.group(1);
        String pin = m.group(2);

        Ran listed = qnf("token", "list");
        assertThat(listed.out()).contains(token.substring(0, 6)).contains("lab").doesNotContain(token.substring(7));

        String joinUrl = "https://127.0.0.1:" + server.joinPort();
        var files = Joiner.join(joinUrl, token, pin, "cli-node", dir.resolve("cli-node"));
        assertThat(files.load().spiffeId()).isEqualTo(SpiffeId.node("tok.qnf", "cli-node"));
        try (QnfClient node = QnfClient.connect(files, server.apiUrl())) {
            assertThat(node.registerNode("cli-node", new NodeRequest("lab", List.of("10.7.7.7"), null, null))
                    .created()).isTrue();
        }
        assertThat(qnf("token", "list").out()).contains("cli-node");
        Ran deleted = qnf("token", "delete", token.substring(0, 6));
        assertThat(deleted.code()).as(deleted.toString()).isZero();
    }

    @Test
    void qnfCertRenewReplacesTheCallersCertificateWithTheSameIdentity() throws Exception {
        ClusterPki pki = ClusterPki.load(dir.resolve("ca"));
        var files = pki.issueUser("renewer", Role.VIEWER, dir.resolve("renewer"));
        var before = files.load().certificate();
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            code = Qnf.run("cert", "renew", "--endpoint", server.apiUrl(), "--tls-dir",
                    files.cert().getParent().toString());
        } finally {
            System.setOut(out);
        }
        assertThat(code).as(o.toString(StandardCharsets.UTF_8)).isZero();
        var after = files.load();
        assertThat(after.certificate().getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.certificate().getPublicKey()).isNotEqualTo(before.getPublicKey());
        assertThat(after.spiffeId()).isEqualTo(SpiffeId.user("tok.qnf", "renewer"));
        assertThat(after.role()).isEqualTo(Role.VIEWER);
        assertThat(o.toString(StandardCharsets.UTF_8)).contains("renewed spiffe://tok.qnf/user/renewer (viewer)");
    }

    @Test
    void badTtlRoleAndUsesAreClearErrors() {
        Ran badTtl = qnf("token", "create", "--ttl", "5x");
        assertThat(badTtl.code()).isEqualTo(2);
        assertThat(badTtl.err()).contains("--ttl").doesNotContain("Exception");
        Ran badRole = qnf("token", "create", "--role", "admin");
        assertThat(badRole.code()).isNotZero();
        assertThat(badRole.err()).contains("role");
        assertThat(TokenCommand.ttlSeconds("2h")).isEqualTo(7200);
        assertThat(TokenCommand.ttlSeconds("90s")).isEqualTo(90);
    }
}
