package dev.qnf.api.pki;

import dev.qnf.api.client.CertificateRenewer;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.RenewedCertificate;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Certificate renewal on a real 3-server cluster (Ratis, RocksDB, Raft and API over mTLS): a node whose certificate
 * lives 20 s keeps working for well over two lifetimes while {@link CertificateRenewer} renews it at half life, every
 * request on a new connection (a new handshake with whatever the files hold then, so an expired certificate would be
 * refused); s1 holds no CA key and passes renewals on. A revoked node is refused renewal by every server at once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NodeCertificateRenewalTest {
    private static final Duration LIFETIME = Duration.ofSeconds(20);

    /** s1 holds no CA key: it answers renewals FAILED_PRECONDITION and clients go on to another server. */
    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready((cluster, c) -> c.id().equals("s1") ? c
            : c.withCa(cluster.caCopy(c)));

    static String[] urls() {
        return cluster.urls();
    }

    static TlsFiles shortLivedNode(String name) {
        return cluster.pki().pki().issue(SpiffeId.node(TestPki.TRUST_DOMAIN, name), null, List.of(), LIFETIME,
                cluster.dir().resolve("node-" + name));
    }

    @Test
    void aNodeRenewedAtHalfLifeFailsNoRequestOverMoreThanTwoLifetimes() throws Exception {
        TlsFiles files = shortLivedNode("renewing");
        Set<BigInteger> serials = new LinkedHashSet<>();
        Set<PublicKey> keys = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        int requests = 0;
        // what every long-running TLS user of the files holds (the API server, QnfClient, Raft): it must follow
        ReloadingIdentity held = ReloadingIdentity.of(files);
        try (QnfClient agent = QnfClient.connect(files, urls());   // s1 first: it cannot renew
             CertificateRenewer renewer = CertificateRenewer.start(agent.endpoints(), QnfClient.DEFAULT_TIMEOUT,
                     files)) {
            agent.registerNode("renewing", new NodeRequest(null, List.of("10.9.9.9"), null, null));
            Instant start = Instant.now();
            while (serials.size() < 3 || Duration.between(start, Instant.now()).compareTo(LIFETIME.multipliedBy(2)
                    .plusSeconds(2)) < 0) {
                assertThat(Duration.between(start, Instant.now())).as("renewals by now: " + serials)
                        .isLessThan(LIFETIME.multipliedBy(5));
                Identity now = ReloadingIdentity.of(files).get();   // waits out a renewal between its two writes
                serials.add(now.certificate().getSerialNumber());
                keys.add(now.certificate().getPublicKey());
                // a new connection, so a new handshake with the certificate the files hold now
                try (QnfClient fresh = QnfClient.connect(files, urls()[requests % 3])) {
                    assertThat(fresh.getNode("renewing").name()).isEqualTo("renewing");
                } catch (RuntimeException | AssertionError e) {
                    failures.add(Duration.between(start, Instant.now()).toMillis() + " ms: " + e);
                }
                try {
                    agent.listNodes();   // and the long-lived client, as the agent's
                } catch (RuntimeException e) {
                    failures.add(Duration.between(start, Instant.now()).toMillis() + " ms (long-lived): " + e);
                }
                requests++;
                Thread.sleep(250);
            }
        }
        assertThat(failures).as("failed requests out of " + requests).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(held.get().certificate())
                .as("a ReloadingIdentity loaded before the renewals").isEqualTo(files.load().certificate()));
        assertThat(serials).as("the certificate was renewed at least twice").hasSizeGreaterThanOrEqualTo(3);
        assertThat(keys).as("a fresh key pair per renewal").hasSameSizeAs(serials);
        Identity last = files.load();
        assertThat(last.spiffeId()).isEqualTo(SpiffeId.node(TestPki.TRUST_DOMAIN, "renewing"));
        assertThat(last.role()).isEqualTo(Role.NODE);
        assertThat(CertificateAuthority.lifetimeOf(last.certificate())).as("renewals keep the short lifetime")
                .isLessThanOrEqualTo(LIFETIME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key()))).isEqualTo("rw-------");
    }

    @Test
    void theIdentityComesFromTheCallersCertificateNeverFromTheRequest() throws Exception {
        TlsFiles viewer = cluster.pki().user("vic", Role.VIEWER);
        KeyPair keys = CertificateAuthority.newKeyPair();
        // a request that asks to be an admin named root: only its public key is used
        String csr = Pem.encode(new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=root,O=admin"),
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        try (QnfClient c = QnfClient.connect(viewer, urls())) {
            RenewedCertificate renewed = c.renewCertificate(csr);
            X509Certificate cert = Pem.decodeCertificates(renewed.certificate()).get(0);
            assertThat(SpiffeId.of(cert)).isEqualTo(SpiffeId.user(TestPki.TRUST_DOMAIN, "vic"));
            assertThat(Identity.roleOf(cert)).isEqualTo(Role.VIEWER);
            assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
            assertThat(renewed.spiffeId()).isEqualTo("spiffe://" + TestPki.TRUST_DOMAIN + "/user/vic");

            assertRefused(() -> c.renewCertificate("not a request"), 400, "INVALID_ARGUMENT");
        }
        try (QnfClient onlyS1 = QnfClient.connect(cluster.pki().node("no-ca-here"), urls()[0])) {
            assertRefused(() -> onlyS1.renewCertificate(Pem.certificateRequest(keys)), 409, "FAILED_PRECONDITION");
        }
    }

    @Test
    void aRevokedNodeIsNotRenewedByAnyServer() {
        TlsFiles files = shortLivedNode("revoked-renewal");
        BigInteger before;
        try (QnfClient node = QnfClient.connect(files, urls()[1])) {
            // renewal works before the revocation
            before = CertificateRenewer.renew(node, files).certificate().getSerialNumber();
        }
        assertThat(cluster.admin().revokeNode("revoked-renewal", null).created()).isTrue();
        // at once, without waiting for any server to apply it: the renewal reads revocations linearizably
        for (int i = 1; i < 3; i++) {
            try (QnfClient node = QnfClient.connect(files, urls()[i])) {
                assertRefused(() -> CertificateRenewer.renew(node, files), 403, "PERMISSION_DENIED");
            }
        }
        assertThat(files.load().certificate().getSerialNumber()).as("not renewed").isEqualTo(before);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status,
                                      String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).as(e.toString()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
        });
    }
}
