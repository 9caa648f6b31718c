package dev.qnf.api.pki;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.InMemoryFabric;
import dev.qnf.api.testing.Ports;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's certificate is replaced while it serves (renewal) and the cluster moves from CA A to CA B through
 * an overlapping trust bundle, under load from long-lived and fresh connections: not one request fails. Every step
 * only rewrites files; server and clients pick them up on their next handshake.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CaRotationTest {
    @TempDir
    Path dir;

    @Test
    void renewalAndCaRotationUnderLoadFailNoRequest() throws Exception {
        TestPki a = TestPki.create(dir.resolve("a"));
        TlsFiles serverFiles = a.server("s1");
        TlsFiles clientFiles = a.admin();
        ServerConfig config = ServerConfig.of("s1", dir.resolve("data"), "127.0.0.1:" + Ports.free(),
                "127.0.0.1:" + Ports.free(), null, false).withTls(serverFiles);
        X509Certificate caA = a.pki().ca().certificate();
        try (QnfServer server = QnfServer.start(config, (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()))) {
            Load load = new Load(server.apiUrl(), clientFiles);
            load.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok.get() > 20);

            // renewal: a new server certificate from the same CA
            X509Certificate first = presented(server, clientFiles);
            serverFiles.write(a.pki().issue(SpiffeId.server(TestPki.TRUST_DOMAIN, "s1"), null,
                    List.of("127.0.0.1"), Duration.ofHours(24)));
            await().atMost(Duration.ofSeconds(30)).until(() -> !presented(server, clientFiles).equals(first));

            // rotation 1: everyone trusts A and B
            ClusterPki b = ClusterPki.create(dir.resolve("b"), TestPki.TRUST_DOMAIN);
            X509Certificate caB = b.ca().certificate();
            Pem.writeCertificates(serverFiles.bundle(), List.of(caA, caB));
            Pem.writeCertificates(clientFiles.bundle(), List.of(caA, caB));
            // rotation 2: the server's certificate from B (clients still present A's)
            int before = load.ok.get();
            Identity fromB = b.issue(SpiffeId.server(TestPki.TRUST_DOMAIN, "s1"), null, List.of("127.0.0.1"),
                    Duration.ofHours(24));
            serverFiles.write(new Identity(fromB.key(), fromB.chain(), List.of(caA, caB)));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    presented(server, clientFiles).getIssuerX500Principal().equals(caB.getSubjectX500Principal()));
            // rotation 3: clients' certificates from B
            Identity adminB = b.issue(SpiffeId.user(TestPki.TRUST_DOMAIN, "admin"), Role.ADMIN, List.of(),
                    Duration.ofHours(24));
            clientFiles.write(new Identity(adminB.key(), adminB.chain(), List.of(caA, caB)));
            // rotation 4: A is no longer trusted
            Pem.writeCertificates(serverFiles.bundle(), List.of(caB));
            Pem.writeCertificates(clientFiles.bundle(), List.of(caB));
            TlsFiles leftover = a.user("old", Role.ADMIN);
            await().atMost(Duration.ofSeconds(30)).until(() -> refused(server, leftover));
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ok.get() > before + 40);

            load.stop();
            assertThat(load.failures).as("failed requests during renewal and rotation").isEmpty();
            assertThat(load.ok.get()).isGreaterThan(60);
        }
    }

    /** The certificate the server presents on a new handshake. */
    private static X509Certificate presented(QnfServer server, TlsFiles client) throws Exception {
        URI uri = URI.create(server.apiUrl());
        try (SSLSocket s = (SSLSocket) Tls.clientContext(ReloadingIdentity.of(client)).getSocketFactory()
                .createSocket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static boolean refused(QnfServer server, TlsFiles client) {
        try (QnfClient c = QnfClient.connect(client, server.apiUrl())) {
            c.listNetworks();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** One long-lived client and one that connects afresh for every request, both reading without pause. */
    private static final class Load {
        final AtomicInteger ok = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final String url;
        final TlsFiles files;
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        Load(String url, TlsFiles files) {
            this.url = url;
            this.files = files;
        }

        void start() {
            threads.add(new Thread(() -> {
                try (QnfClient kept = QnfClient.connect(files, url)) {
                    while (!stop.get()) {
                        call(kept);
                    }
                }
            }, "load-kept"));
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try (QnfClient fresh = QnfClient.connect(files, url)) {
                        call(fresh);
                    }
                }
            }, "load-fresh"));
            threads.forEach(Thread::start);
        }

        private void call(QnfClient client) {
            try {
                client.listNetworks();
                ok.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add(Thread.currentThread().getName() + ": " + e);
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
