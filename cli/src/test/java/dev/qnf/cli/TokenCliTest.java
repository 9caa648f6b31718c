package dev.qnf.cli;

import dev.qnf.testing.FreePorts;
import dev.qnf.api.client.Joiner;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.server.QnfServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

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

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "tok.qnf");
        server = QnfServer.start(TlsServer.config("tok", dir, pki)
                .withJoinPort("127.0.0.1:" + FreePorts.one(), pki.dir()));
        adminTls = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")).cert().getParent();
        TlsServer.awaitReady(server, pki.issueUser("setup", Role.ADMIN, dir.resolve("setup")));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs {@code qnf ARGS --endpoint URL --tls-dir ADMIN}, capturing what it prints. */
    QnfRun qnf(String... args) {
        return QnfRun.against(server.apiUrl(), adminTls, args);
    }

    @Test
    void aPrintedTokenAndPinLetANodeJoinOnce() {
        QnfRun created = qnf("token", "create", "--ttl", "10m", "--uses", "1", "--role", "node", "--site", "lab");
        assertThat(created.code()).as(created.toString()).isZero();
        Matcher m = PRINTED.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        String token = m.group(1);
        String pin = m.group(2);

        QnfRun listed = qnf("token", "list");
        assertThat(listed.out()).contains(token.substring(0, 6)).contains("lab").doesNotContain(token.substring(7));

        String joinUrl = "https://127.0.0.1:" + server.joinPort();
        var files = Joiner.join(joinUrl, token, pin, "cli-node", dir.resolve("cli-node"));
        assertThat(files.load().spiffeId()).isEqualTo(SpiffeId.node("tok.qnf", "cli-node"));
        try (QnfClient node = QnfClient.connect(files, server.apiUrl())) {
            assertThat(node.registerNode("cli-node", new NodeRequest("lab", List.of("10.7.7.7"), null, null))
                    .created()).isTrue();
        }
        assertThat(qnf("token", "list").out()).contains("cli-node");
        QnfRun deleted = qnf("token", "delete", token.substring(0, 6));
        assertThat(deleted.code()).as(deleted.toString()).isZero();
    }

    @Test
    void qnfCertRenewReplacesTheCallersCertificateWithTheSameIdentity() throws Exception {
        ClusterPki pki = ClusterPki.load(dir.resolve("ca"));
        var files = pki.issueUser("renewer", Role.VIEWER, dir.resolve("renewer"));
        var before = files.load().certificate();
        QnfRun renewed = QnfRun.against(server.apiUrl(), files.cert().getParent(), "cert", "renew");
        assertThat(renewed.code()).as(renewed.toString()).isZero();
        var after = files.load();
        assertThat(after.certificate().getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.certificate().getPublicKey()).isNotEqualTo(before.getPublicKey());
        assertThat(after.spiffeId()).isEqualTo(SpiffeId.user("tok.qnf", "renewer"));
        assertThat(after.role()).isEqualTo(Role.VIEWER);
        assertThat(renewed.out()).contains("renewed spiffe://tok.qnf/user/renewer (viewer)");
    }

    @Test
    void badTtlRoleAndUsesAreClearErrors() {
        QnfRun badTtl = qnf("token", "create", "--ttl", "5x");
        assertThat(badTtl.code()).isEqualTo(2);
        assertThat(badTtl.err()).contains("--ttl").doesNotContain("Exception");
        QnfRun badRole = qnf("token", "create", "--role", "admin");
        assertThat(badRole.code()).isNotZero();
        assertThat(badRole.err()).contains("role");
        assertThat(TokenCommand.ttlSeconds("2h")).isEqualTo(7200);
        assertThat(TokenCommand.ttlSeconds("90s")).isEqualTo(90);
    }
}
