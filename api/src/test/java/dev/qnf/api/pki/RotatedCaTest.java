package dev.qnf.api.pki;

import dev.qnf.fabric.model.CaRotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rotation from CA A to CA B without a cluster: the cross-certificate lets holders that trust only A accept B's
 * leaves, the prefix rule lets holders that trust only B accept the same chains, B's key opens only with A's key,
 * and a record that A does not vouch for is not taken.
 */
class RotatedCaTest {
    private static final String DOMAIN = "test.qnf";
    private static final Set<SpiffeId.Kind> ANY = Set.of(SpiffeId.Kind.values());

    @TempDir
    Path dir;

    @Test
    void leavesOfTheNewCaWithTheCrossCertificateAreAcceptedByEveryBundleOfTheRotation() throws Exception {
        ClusterPki a = ClusterPki.create(dir.resolve("a"), DOMAIN);
        RotatedCa rotation = RotatedCa.of(RotatedCa.prepare(a, Clock.systemUTC()).state());
        ClusterPki b = ClusterPki.installRotated(dir.resolve("b"), rotation.signer(), rotation.openKey(a),
                rotation.attached(), rotation.bundle(), CaPassphrase.none(), Clock.systemUTC());
        X509Certificate caA = a.ca().certificate();
        X509Certificate caB = rotation.signer();
        assertThat(caB.getSubjectX500Principal()).isNotEqualTo(caA.getSubjectX500Principal());
        assertThat(rotation.bundle()).containsExactly(caA, caB);

        Identity leaf = b.issue(SpiffeId.node(DOMAIN, "n1"), null, List.of(), Duration.ofHours(1));
        assertThat(leaf.chain()).hasSize(2).endsWith(rotation.crossSigned());
        X509Certificate[] chain = leaf.chain().toArray(X509Certificate[]::new);
        X509Certificate[] bare = {leaf.certificate()};

        assertThat(SpiffeTrustManager.verify(chain, List.of(caA), ANY)).as("only A: through the cross-certificate")
                .isEqualTo(SpiffeId.node(DOMAIN, "n1"));
        SpiffeTrustManager.verify(chain, List.of(caA, caB), ANY);
        SpiffeTrustManager.verify(chain, List.of(caB), ANY);   // A retired: the leaf alone validates to B
        SpiffeTrustManager.verify(bare, List.of(caB), ANY);
        assertThatThrownBy(() -> SpiffeTrustManager.verify(bare, List.of(caA), ANY))
                .as("without the cross-certificate a holder of A alone cannot accept B's leaf")
                .isInstanceOf(CertificateException.class);
        // A's own leaves: accepted while A is trusted, refused once only B is
        X509Certificate[] fromA = a.issue(SpiffeId.node(DOMAIN, "n2"), null, List.of(), Duration.ofHours(1)).chain()
                .toArray(X509Certificate[]::new);
        SpiffeTrustManager.verify(fromA, List.of(caA, caB), ANY);
        assertThatThrownBy(() -> SpiffeTrustManager.verify(fromA, List.of(caB), ANY))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void aChainToAnUntrustedCaIsRefusedWhateverItsPrefixes() throws Exception {
        ClusterPki a = ClusterPki.create(dir.resolve("a"), DOMAIN);
        ClusterPki other = ClusterPki.create(dir.resolve("other"), DOMAIN);
        // another CA's rotation: its new CA cross-signed by it, none of which A's holders trust
        RotatedCa foreign = RotatedCa.prepare(other, Clock.systemUTC());
        ClusterPki foreignB = ClusterPki.installRotated(dir.resolve("fb"), foreign.signer(), foreign.openKey(other),
                foreign.attached(), foreign.bundle(), CaPassphrase.none(), Clock.systemUTC());
        X509Certificate[] chain = foreignB.issue(SpiffeId.server(DOMAIN, "s9"), null, List.of(), Duration.ofHours(1))
                .chain().toArray(X509Certificate[]::new);
        assertThat(chain).hasSize(2);
        for (List<X509Certificate> bundle : List.of(List.of(a.ca().certificate()),
                List.of(a.ca().certificate(), RotatedCa.prepare(a, Clock.systemUTC()).signer()))) {
            assertThatThrownBy(() -> SpiffeTrustManager.verify(chain, bundle, ANY))
                    .isInstanceOf(CertificateException.class).hasMessageContaining("not valid for this cluster");
        }
        // a chain that appends a trusted CA after an untrusted leaf is no better
        X509Certificate[] padded = {chain[0], a.ca().certificate()};
        assertThatThrownBy(() -> SpiffeTrustManager.verify(padded, List.of(a.ca().certificate()), ANY))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void theNewKeyOpensOnlyWithTheOldCaKeyAndAForgedRecordIsNotTaken() {
        ClusterPki a = ClusterPki.create(dir.resolve("a"), DOMAIN);
        ClusterPki other = ClusterPki.create(dir.resolve("other"), DOMAIN);
        RotatedCa rotation = RotatedCa.prepare(a, Clock.systemUTC());
        assertThat(CertificateAuthority.keyMatches(rotation.signer(), rotation.openKey(a))).isTrue();
        assertThatThrownBy(() -> rotation.openKey(other)).isInstanceOf(CaKeyException.class)
                .hasMessageContaining("does not open");
        // the same envelope presented as the key of another CA (another context) does not open either
        CaRotation s = rotation.state();
        RotatedCa relabelled = new RotatedCa(rotation.signer(), rotation.crossSigned(), rotation.previous(),
                new CaRotation(s.signer(), s.crossSigned(), s.previous(), s.sealedKey(), "sha256:" + "0".repeat(64),
                        s.previousPin(), s.rotatedAtMillis(), 0));
        assertThatThrownBy(() -> relabelled.openKey(a)).isInstanceOf(CaKeyException.class);
        assertThat(s.toString()).doesNotContain(s.sealedKey());

        // a record whose cross-certificate another CA signed is refused as a whole
        RotatedCa forged = RotatedCa.prepare(other, Clock.systemUTC());
        CaRotation mixed = new CaRotation(forged.state().signer(), forged.state().crossSigned(), s.previous(),
                forged.state().sealedKey(), forged.state().signerPin(), s.previousPin(), s.rotatedAtMillis(), 0);
        assertThatThrownBy(() -> RotatedCa.of(mixed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not signed by the previous CA");
        // and one naming CAs a holder never trusted is not followed
        assertThat(RotatedCa.of(forged.state()).vouchedForBy(List.of(a.ca().certificate()))).isFalse();
        assertThat(RotatedCa.of(s).vouchedForBy(List.of(a.ca().certificate()))).isTrue();
    }

    @Test
    void anInstallInterruptedBetweenKeyAndCertificateIsFinishedByTheNextLoad() {
        Path caDir = dir.resolve("a");
        ClusterPki a = ClusterPki.create(caDir, DOMAIN);
        RotatedCa rotation = RotatedCa.prepare(a, Clock.systemUTC());
        // what a crash leaves after installRotated wrote ca-next.pem and the new key, before the new ca.pem
        Pem.writeCertificates(caDir.resolve(ClusterPki.CA_NEXT), List.of(rotation.signer()));
        Pem.writePrivateKey(caDir.resolve(ClusterPki.CA_KEY), rotation.openKey(a));

        ClusterPki loaded = ClusterPki.load(caDir);
        assertThat(loaded.ca().certificate()).isEqualTo(rotation.signer());
        assertThat(Pem.readCertificates(caDir.resolve(ClusterPki.CA_CERT))).containsExactly(rotation.signer());
        assertThat(caDir.resolve(ClusterPki.CA_NEXT)).doesNotExist();

        // a key matching neither certificate is a clear error, not a CA that signs with the wrong key
        Pem.writePrivateKey(caDir.resolve(ClusterPki.CA_KEY), CertificateAuthority.newKeyPair().getPrivate());
        assertThatThrownBy(() -> ClusterPki.load(caDir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not belong to its certificate");
    }
}
