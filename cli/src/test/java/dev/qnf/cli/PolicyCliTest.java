package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.QnfServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qnf policy} and {@code qnf endpoint label} against a real single-server cluster (Raft and RocksDB in a temp
 * directory): the newcomer's path of docs/policy.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyCliTest {
    QnfServer server;
    String url;
    /** The admin identity the commands present (--tls-dir), from the test's own cluster CA. */
    Path adminTls;

    /** What one command printed, and its exit code. */
    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "pol.qnf");
        server = QnfServer.start(TlsServer.config("pol", dir, pki));
        url = server.apiUrl();
        adminTls = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin")).cert().getParent();
        TlsFiles setup = pki.issueUser("setup", Role.ADMIN, dir.resolve("setup"));
        TlsServer.awaitReady(server, setup);
        QnfClient qnf = QnfClient.connect(setup, url);
        qnf.createNetwork(new NetworkRequest("shop", "10.66.0.0/24", null, null, null, null, null, null, null, null,
                null));
        for (String app : new String[]{"web", "api", "db"}) {
            qnf.allocate("shop", new AllocationRequest(app, null, null, app, null, null,
                    Map.of("app", app, "k8s.qnf.dev/namespace", "shop")));
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs {@code qnf ARGS --endpoint URL --tls-dir ADMIN}, capturing what it prints. */
    QnfRun qnf(String... args) {
        return QnfRun.against(url, adminTls, args);
    }

    static String resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(PolicyCliTest.class.getResource("/policy/" + name)).toURI()).toString();
    }

    @Test
    void applyExplainRelabelAndABrokenFileThatIsRefused() throws Exception {
        QnfRun denied = qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080");
        assertThat(denied.code()).as(denied.toString()).isZero();
        assertThat(denied.out()).startsWith("DENY: shop/web -> shop/api tcp/8080").contains("denies by default");

        QnfRun applied = qnf("policy", "apply", "-f", resource("shop.yaml"));
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(applied.out()).contains("applied 3 policies, 4 test(s) passed", "shop/api", "shop/web", "shop/db");

        QnfRun allowed = qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080");
        assertThat(allowed.out()).startsWith("ALLOW: shop/web -> shop/api tcp/8080")
                .contains("egress at shop/web: allow by shop/web egress[0]",
                        "ingress at shop/api: allow by shop/api ingress[0]");

        QnfRun broken = qnf("policy", "apply", "-f", resource("shop-broken.yaml"));
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).contains("FAILED_PRECONDITION", "1 of 2 policy test(s) failed; nothing applied",
                "FAIL shop/web -> shop/api tcp/8080 expect allow: got deny");
        assertThat(qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080").out())
                .as("the refused file changed nothing").startsWith("ALLOW");

        QnfRun list = qnf("policy", "list", "-n", "shop");
        assertThat(list.out()).contains("NAMESPACE", "shop       api", "app=api", "1 allow");
        QnfRun get = qnf("policy", "get", "shop/db");
        assertThat(get.out()).contains("name: db", "port: 5432");

        // web relabelled as legacy loses its identity's allow: the api policy selects app=web peers only
        QnfRun label = qnf("endpoint", "label", "web", "app=legacy", "tier=old");
        assertThat(label.code()).as(label.toString()).isZero();
        assertThat(label.out()).contains("shop/web", "app=legacy", "tier=old");
        assertThat(qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080").out())
                .startsWith("DENY");
        assertThat(qnf("policy", "identities").out()).contains("app=legacy", "tier=old");
        assertThat(qnf("endpoint", "label", "shop/web", "app=web", "tier-").code()).isZero();
        assertThat(qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080").out())
                .startsWith("ALLOW");

        assertThat(qnf("policy", "delete", "shop/web").code()).isZero();
        assertThat(qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--port", "8080").out())
                .startsWith("DENY");
        QnfRun again = qnf("policy", "delete", "shop/web");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("NOT_FOUND");
    }

    @Test
    void kubernetesYamlImportsAndBadInputIsAClearError() throws Exception {
        QnfRun dry = qnf("policy", "import", "--dry-run", resource("k8s-policies.yaml"));
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("name: test-network-policy", "except:", "protocol: tcp");
        assertThat(qnf("policy", "list", "-n", "locked").out()).doesNotContain("default-deny-ingress");

        QnfRun imported = qnf("policy", "import", resource("k8s-policies.yaml"));
        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(imported.out()).contains("applied 5 policies", "locked/default-deny-ingress");

        QnfRun missing = qnf("policy", "apply", "-f", "/nonexistent/p.yaml");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
        QnfRun badExplain = qnf("policy", "explain", "--from", "shop/web", "--to", "shop/api", "--proto", "gre",
                "--port", "1");
        assertThat(badExplain.code()).isEqualTo(1);
        assertThat(badExplain.err()).contains("INVALID_ARGUMENT", "gre");
        QnfRun badLabel = qnf("endpoint", "label", "shop/web", "oops");
        assertThat(badLabel.code()).isEqualTo(2);
        assertThat(badLabel.err()).contains("neither k=v");
    }
}
