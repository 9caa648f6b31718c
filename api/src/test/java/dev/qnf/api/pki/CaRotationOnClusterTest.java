package dev.qnf.api.pki;

import dev.qnf.api.client.CertificateRenewer;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.CaView;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.client.Written;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.testing.SecureCluster;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code qnf ca rotate} and {@code qnf ca retire-old --force} on a real 3-server cluster (Ratis, RocksDB, Raft and
 * API over mTLS), under continuous load from an admin and a node whose certificates live 20 s and renew by
 * themselves: every server installs the new CA B and reissues its own certificate from it with the
 * cross-certificate, a server that was down during the rotation catches up when it starts, the holders learn
 * bundle [A, B] at renewal; after the retirement everyone trusts only B and a certificate of A is refused. Not one
 * request fails throughout.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CaRotationOnClusterTest {
    private static final Duration LIFETIME = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final CaPassphrase PASSPHRASE = CaPassphrase.of("correct horse battery staple");

    @TempDir
    Path dir;

    @Test
    void rotationAndRetirementUnderLoadFailNoRequest() throws Exception {
        TestPki pki = TestPki.create(dir);
        X509Certificate caA = pki.pki().ca().certificate();
        // s2 keeps its CA key encrypted at rest: it must install the new CA's key encrypted too
        try (SecureCluster cluster = SecureCluster.start(pki, dir, 3, c -> {
            ClusterPki copy = pki.pki().copyTo(dir.resolve(c.id() + "-ca"));
            if (!c.id().equals("s2")) {
                return c.withCa(copy.dir(), CaPassphrase.none());
            }
            copy.encryptKey(PASSPHRASE);
            return c.withCa(copy.dir(), PASSPHRASE);
        })) {
            String[] s1s2 = Arrays.copyOf(cluster.urls(), 2);   // the load avoids s3, which is down for a while
            TlsFiles adminFiles = pki.pki().issue(SpiffeId.user(TestPki.TRUST_DOMAIN, "rotator"), Role.ADMIN,
                    List.of(), LIFETIME, dir.resolve("admin"));
            TlsFiles nodeFiles = pki.pki().issue(SpiffeId.node(TestPki.TRUST_DOMAIN, "n1"), null, List.of(),
                    LIFETIME, dir.resolve("node"));
            try (QnfClient admin = QnfClient.connect(adminFiles, s1s2);
                 QnfClient node = QnfClient.connect(nodeFiles, s1s2)) {
                await().atMost(WAIT).ignoreExceptions().until(() -> admin.readiness().ready());
                await().atMost(WAIT).ignoreExceptions().until(() -> node.registerNode("n1",
                        new NodeRequest(null, List.of("10.9.9.1"), null, null)) != null);
                CaView before = admin.caStatus();
                assertThat(before.rotatedAt()).isNull();
                assertThat(before.signer()).isEqualTo(CaPin.of(caA));

                Load load = new Load();
                try (CertificateRenewer adminRenewer = CertificateRenewer.start(admin.endpoints(),
                        QnfClient.DEFAULT_TIMEOUT, adminFiles);
                     CertificateRenewer nodeRenewer = CertificateRenewer.start(node.endpoints(),
                             QnfClient.DEFAULT_TIMEOUT, nodeFiles)) {
                    load.run("admin", adminFiles, s1s2, QnfClient::listNetworks);
                    load.run("node", nodeFiles, s1s2, QnfClient::listNodes);
                    await().atMost(WAIT).until(() -> load.ok.get() > 20);

                    // s3 is down during the rotation: it must catch up from the state when it starts again
                    cluster.servers().get(2).close();
                    Written<CaView> rotated = admin.rotateCa();
                    assertThat(rotated.created()).isTrue();
                    CaView during = rotated.value();
                    String pinB = during.signer();
                    assertThat(pinB).isNotEqualTo(CaPin.of(caA));
                    assertThat(during.bundle()).extracting(CaView.CaCertView::pin).containsExactly(CaPin.of(caA), pinB);
                    assertThat(during.rotatedAt()).isNotNull();
                    assertThat(during.retirableAt()).isNotNull();
                    assertThat(admin.caStatus().signer()).isEqualTo(pinB);

                    for (int i = 0; i < 2; i++) {
                        awaitServerOn(cluster.servers().get(i), dir.resolve("s" + (i + 1) + "-ca"), pinB, adminFiles,
                                2);
                    }
                    QnfServer s3 = cluster.restart(2);
                    awaitServerOn(s3, dir.resolve("s3-ca"), pinB, adminFiles, 2);
                    assertThat(ClusterPki.keyEncrypted(dir.resolve("s2-ca"))).as("s2's new CA key at rest").isTrue();
                    assertThat(ClusterPki.keyEncrypted(dir.resolve("s1-ca"))).isFalse();
                    assertThat(CaPin.of(ClusterPki.load(dir.resolve("s2-ca"), java.time.Clock.systemUTC(),
                            PASSPHRASE).ca().certificate())).isEqualTo(pinB);

                    // the holders learn B at their next renewal: bundle [A, B], leaf from B with the cross-certificate
                    for (TlsFiles holder : List.of(adminFiles, nodeFiles)) {
                        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                            Identity now = holder.load();
                            assertThat(now.bundle()).extracting(CaPin::of).containsExactly(CaPin.of(caA), pinB);
                            assertThat(now.chain()).hasSize(2);
                            assertThat(CaPin.of(now.chain().get(1))).isEqualTo(pinB);
                        });
                    }

                    // one rotation at a time; no early retirement without force
                    assertRefused(admin::rotateCa, "in progress");
                    assertRefused(() -> admin.retireOldCa(false), "can be retired from");
                    assertRefused(() -> admin.retireOldCa(false), "--force");

                    CaView after = admin.retireOldCa(true);
                    assertThat(after.bundle()).extracting(CaView.CaCertView::pin).containsExactly(pinB);
                    assertThat(after.retiredAt()).isNotNull();
                    for (int i = 0; i < 3; i++) {
                        QnfServer s = cluster.servers().get(i);
                        Path caDir = dir.resolve("s" + (i + 1) + "-ca");
                        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                            assertThat(s.config().tls().load().bundle()).extracting(CaPin::of).containsExactly(pinB);
                            assertThat(Files.exists(caDir.resolve(ClusterPki.CA_CROSS))).isFalse();
                            assertThat(presented(s, adminFiles)).hasSize(1);   // no cross-certificate any more
                        });
                    }
                    // a certificate of A alone: refused by every server (new connections)
                    TlsFiles leftover = pki.user("old", Role.ADMIN);
                    for (String url : cluster.urls()) {
                        await().atMost(WAIT).until(() -> refused(url, leftover));
                    }
                    int okBefore = load.ok.get();
                    await().atMost(WAIT).until(() -> load.ok.get() > okBefore + 40);
                } finally {
                    load.stop();
                }
                assertThat(load.failures).as("failed requests during rotation and retirement").isEmpty();
                assertThat(load.ok.get()).isGreaterThan(100);
                // both writes are in the audit trail, attributed to the admin who made them
                assertThat(admin.audit(null, "rotator").entries()).extracting(e -> e.what())
                        .contains("rotate-ca", "retire-old-ca");
            }
        }
    }

    /** The server's CA directory holds B, and it presents a certificate from B with {@code chainLength} certs. */
    private static void awaitServerOn(QnfServer server, Path caDir, String pinB, TlsFiles client, int chainLength) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(CaPin.of(Pem.readCertificates(caDir.resolve(ClusterPki.CA_CERT)).get(0))).isEqualTo(pinB);
            Identity own = server.config().tls().load();
            assertThat(own.bundle()).extracting(CaPin::of).endsWith(pinB);
            Certificate[] chain = presented(server, client);
            assertThat(chain).hasSize(chainLength);
            X509Certificate issuedBy = own.bundle().stream().filter(ca -> CaPin.of(ca).equals(pinB)).findFirst()
                    .orElseThrow();
            ((X509Certificate) chain[0]).verify(issuedBy.getPublicKey());
        });
    }

    /** The chain the server presents on a new handshake. */
    private static Certificate[] presented(QnfServer server, TlsFiles client) throws Exception {
        URI uri = URI.create(server.apiUrl());
        try (SSLSocket s = (SSLSocket) Tls.clientContext(ReloadingIdentity.of(client)).getSocketFactory()
                .createSocket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return s.getSession().getPeerCertificates();
        }
    }

    private static boolean refused(String url, TlsFiles client) {
        try (QnfClient c = QnfClient.connect(client, url)) {
            c.listNetworks();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).as(e.toString()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("FAILED_PRECONDITION");
            assertThat(e.getMessage()).contains(message);
        });
    }

    /** Per holder one long-lived client and one connecting afresh for every request, a request every 50 ms each. */
    private static final class Load {
        final AtomicInteger ok = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        void run(String name, TlsFiles files, String[] urls, Consumer<QnfClient> request) {
            Thread kept = new Thread(() -> {
                try (QnfClient client = QnfClient.connect(files, urls)) {
                    while (!stop.get()) {
                        call(name + " (kept)", () -> request.accept(client));
                    }
                }
            }, "load-" + name + "-kept");
            Thread fresh = new Thread(() -> {
                while (!stop.get()) {
                    call(name + " (fresh)", () -> {
                        try (QnfClient client = QnfClient.connect(files, urls)) {
                            request.accept(client);
                        }
                    });
                }
            }, "load-" + name + "-fresh");
            threads.add(kept);
            threads.add(fresh);
            kept.start();
            fresh.start();
        }

        private void call(String who, Runnable request) {
            long start = System.nanoTime();
            try {
                request.run();
                ok.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add(who + " after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(15_000);
            }
        }
    }
}
