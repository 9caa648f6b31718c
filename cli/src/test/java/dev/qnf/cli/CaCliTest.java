package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.CaPin;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qnf ca} against a real single server holding the CA: status, rotate, the refused early retirement, the
 * admin's {@code qnf cert renew} onto the new CA, then {@code retire-old --force}, after which the admin's renewed
 * certificate still works.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CaCliTest {
    @TempDir
    Path dir;

    @Test
    void rotateRenewAndRetireFromTheCommandLine() throws Exception {
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "rot.qnf");
        String pinA = CaPin.of(pki.ca().certificate());
        try (QnfServer server = QnfServer.start(TlsServer.config("rot", dir, pki).withCa(pki.dir(), null))) {
            TlsFiles admin = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin"));
            try (QnfClient c = QnfClient.connect(admin, server.apiUrl())) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> c.readiness().ready());
            }
            Path tls = admin.cert().getParent();

            QnfRun status = QnfRun.against(server.apiUrl(), tls, "ca", "status");
            assertThat(status.code()).as(status.toString()).isZero();
            assertThat(status.out()).contains(pinA).contains("never rotated");

            QnfRun rotated = QnfRun.against(server.apiUrl(), tls, "ca", "rotate");
            assertThat(rotated.code()).as(rotated.toString()).isZero();
            assertThat(rotated.out()).contains("rotated the cluster CA: new signer sha256:").contains(pinA)
                    .contains("still trusted");
            QnfRun again = QnfRun.against(server.apiUrl(), tls, "ca", "rotate");
            assertThat(again.code()).as(again.toString()).isNotZero();
            assertThat(again.err()).contains("in progress").doesNotContain("Exception");
            QnfRun early = QnfRun.against(server.apiUrl(), tls, "ca", "retire-old");
            assertThat(early.code()).as(early.toString()).isNotZero();
            assertThat(early.err()).contains("can be retired from");

            // the admin renews once the server has installed the new CA: certificate and bundle of the rotation
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                QnfRun renewed = QnfRun.against(server.apiUrl(), tls, "cert", "renew");
                assertThat(renewed.code()).as(renewed.toString()).isZero();
                Identity now = admin.load();
                assertThat(now.chain()).as("leaf and cross-certificate").hasSize(2);
                assertThat(now.bundle()).hasSize(2);
            });
            QnfRun retired = QnfRun.against(server.apiUrl(), tls, "ca", "retire-old", "--force");
            assertThat(retired.code()).as(retired.toString()).isZero();
            assertThat(retired.out()).contains("the old CA is retired").doesNotContain(pinA);

            QnfRun json = QnfRun.against(server.apiUrl(), tls, "ca", "status", "-o", "json");
            assertThat(json.code()).as(json.toString()).isZero();
            assertThat(json.out()).contains("\"retiredAt\"").doesNotContain(pinA).doesNotContain("PRIVATE");
        }
    }
}
