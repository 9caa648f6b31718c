package dev.qnf.api.pki;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code /v1/tokens} on a real replica over mTLS: admins make tokens, the secret is shown once, others are refused. */
class JoinTokenApiTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static QnfServer server;

    @BeforeAll
    static void start() throws IOException {
        pki = TestPki.create(dir);
        ServerConfig config = ServerConfigs.alone("s1", dir.resolve("data"));
        server = QnfServer.start(pki.secure(config));
        // a leader first: the revocation check before authorization reads the replicated state
        try (QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl())) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.readiness().ready());
        }
        server.announced().join();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAdminMakesATokenWhoseSecretIsShownOnceAndNeverStored() {
        try (QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl())) {
            long before = System.currentTimeMillis();
            TokenCreated t = admin.createToken(new TokenRequest(600L, 2, "node", "rack-1"));
            assertThat(t.token()).matches("[a-z0-9]{6}\\.[a-z0-9]{16}");
            String id = t.token().substring(0, 6);
            String secret = t.token().substring(7);
            assertThat(t.stored().id()).isEqualTo(id);
            assertThat(t.stored().role()).isEqualTo("node");
            assertThat(t.stored().site()).isEqualTo("rack-1");
            assertThat(t.stored().usesLeft()).isEqualTo(2);
            assertThat(t.stored().expiresAtMillis()).isBetween(before + 600_000, System.currentTimeMillis() + 600_000);
            assertThat(t.caHash()).isEqualTo(CaPin.of(pki.pki().ca().certificate()));

            var listed = admin.listTokens();
            assertThat(listed.tokens()).anySatisfy(v -> assertThat(v.id()).isEqualTo(id));
            String everything = admin.listTokens().toString() + admin.stateHash().toString();
            assertThat(everything).doesNotContain(secret);

            admin.deleteToken(id);
            assertThat(admin.listTokens().tokens()).noneSatisfy(v -> assertThat(v.id()).isEqualTo(id));
        }
    }

    @Test
    void onlyAdminsMayMakeOrListTokens() {
        try (QnfClient operator = QnfClient.connect(pki.user("olga", Role.OPERATOR), server.apiUrl());
             QnfClient node = QnfClient.connect(pki.node("host-a"), server.apiUrl())) {
            for (QnfClient c : new QnfClient[]{operator, node}) {
                assertThatThrownBy(() -> c.createToken(new TokenRequest(60L, 1, "server", null)))
                        .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
                assertThatThrownBy(c::listTokens)
                        .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
            }
        }
    }

    @Test
    void badRequestsAre400AndChangeNothing() {
        try (QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl())) {
            int before = admin.listTokens().tokens().size();
            for (TokenRequest bad : new TokenRequest[]{new TokenRequest(0L, 1, null, null),
                    new TokenRequest(-5L, 1, null, null), new TokenRequest(60L * 60 * 24 * 31, 1, null, null),
                    new TokenRequest(60L, 0, null, null), new TokenRequest(60L, 1001, null, null),
                    new TokenRequest(60L, 1, "admin", null), new TokenRequest(60L, 1, "node", "Not A Site")}) {
                assertThatThrownBy(() -> admin.createToken(bad)).as(bad.toString())
                        .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
            }
            assertThat(admin.listTokens().tokens()).hasSize(before);
            assertThatThrownBy(() -> admin.deleteToken("BAD")).isInstanceOfSatisfying(QnfApiException.class,
                    e -> assertThat(e.httpStatus()).isEqualTo(400));
        }
    }
}
