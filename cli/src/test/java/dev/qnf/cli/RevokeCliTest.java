package dev.qnf.cli;

import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.server.QnfServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qnf user revoke|unrevoke} and {@code qnf node unrevoke} against a real single server over mTLS: what they
 * print, the refusals they report (exit code 1 with the server's code, 2 for a bad command line), and the effect on
 * the revoked user's own {@code qnf} commands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevokeCliTest {
    QnfServer server;
    ClusterPki pki;
    Path adminTls;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        pki = ClusterPki.create(dir.resolve("ca"), "rev.qnf");
        server = QnfServer.start(TlsServer.config("rev", dir, pki));
        adminTls = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")).cert().getParent();
        TlsServer.awaitReady(server, pki.issueUser("setup", Role.ADMIN, dir.resolve("setup")));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    QnfRun qnf(String... args) {
        return QnfRun.against(server.apiUrl(), adminTls, args);
    }

    QnfRun as(Path tls, String... args) {
        return QnfRun.against(server.apiUrl(), tls, args);
    }

    @Test
    void userRevokeAndUnrevoke() {
        Path alice = pki.issueUser("alice", Role.OPERATOR, dir.resolve("alice")).cert().getParent();
        assertThat(as(alice, "node", "list").code()).isZero();
        assertThat(as(alice, "user", "revoke", "bob").err()).as("an operator may not").contains("PERMISSION_DENIED");

        QnfRun revoked = qnf("user", "revoke", "alice", "--serial", "ab12");
        assertThat(revoked.code()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).startsWith("revoked user alice (since ");
        assertThat(qnf("user", "revoke", "alice").out()).startsWith("user already revoked: alice");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {   // once the server has applied it
            QnfRun refused = as(alice, "node", "list");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("PERMISSION_DENIED", "user alice is revoked (qnf user revoke)");
        });
        assertThat(as(alice, "cert", "renew").err()).contains("PERMISSION_DENIED");

        QnfRun lifted = qnf("user", "unrevoke", "alice");
        assertThat(lifted.code()).as(lifted.toString()).isZero();
        assertThat(lifted.out()).startsWith("unrevoked user alice (revoked ").contains("stay refused");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(as(alice, "node", "list").err())
                .as("the old certificate, once the lift is applied").contains("was revoked", "unrevoke"));

        Instant after = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(after.plusMillis(50)));
        Path newer = pki.issueUser("alice", Role.OPERATOR, CertificateAuthority.DEFAULT_LEAF_LIFETIME,
                dir.resolve("alice-newer")).cert().getParent();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            QnfRun back = as(newer, "node", "list");
            assertThat(back.code()).as(back.toString()).isZero();
        });

        QnfRun audit = qnf("audit", "--who", "admin");
        assertThat(audit.out()).contains("revoke-user", "unrevoke-user", "user-revocation/alice");
    }

    @Test
    void refusalsAreClearAndChangeNothing() {
        QnfRun self = qnf("user", "revoke", "admin");
        assertThat(self.code()).isEqualTo(1);
        assertThat(self.err()).contains("FAILED_PRECONDITION", "may not revoke itself");
        assertThat(qnf("node", "list").code()).as("the admin still works").isZero();

        QnfRun badName = qnf("user", "revoke", "Not_A_Name");
        assertThat(badName.code()).isEqualTo(1);
        assertThat(badName.err()).contains("INVALID_ARGUMENT", "user name");
        QnfRun badFlag = qnf("user", "unrevoke", "carol", "--serial", "x");
        assertThat(badFlag.code()).isEqualTo(2);
        assertThat(badFlag.err()).contains("--serial");
        QnfRun never = qnf("node", "unrevoke", "never-revoked");
        assertThat(never.code()).isEqualTo(1);
        assertThat(never.err()).contains("NOT_FOUND", "node never-revoked is not revoked");
        assertThat(qnf("audit").out()).doesNotContain("user-revocation/admin", "Not_A_Name", "never-revoked");

        assertThat(qnf("node", "revoke", "n1").code()).isZero();
        QnfRun nodeLifted = qnf("node", "unrevoke", "n1");
        assertThat(nodeLifted.code()).as(nodeLifted.toString()).isZero();
        assertThat(nodeLifted.out()).startsWith("unrevoked node n1");
        assertThat(qnf("node", "unrevoke", "n1").code()).as("idempotent").isZero();
        assertThat(qnf("audit").out()).contains("unrevoke-node");
    }
}
