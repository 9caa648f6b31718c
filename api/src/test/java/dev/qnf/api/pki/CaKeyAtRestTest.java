package dev.qnf.api.pki;

import dev.qnf.api.server.ServerPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster CA key encrypted at rest under an operator's passphrase, and sealed for a joining server. */
class CaKeyAtRestTest {
    static final CaPassphrase PASSPHRASE = CaPassphrase.of("correct horse battery staple");
    @TempDir
    Path dir;

    @Test
    void anEncryptedKeyRoundTripsAndSigns() throws Exception {
        ClusterPki created = ClusterPki.create(dir.resolve("ca"), "rest.qnf", Clock.systemUTC(), PASSPHRASE);
        Path keyFile = dir.resolve("ca").resolve(ClusterPki.CA_KEY);
        String stored = Files.readString(keyFile);
        assertThat(stored).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                .doesNotContain(Pem.encode(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                        created.ca().privateKey(), null).generate()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(ClusterPki.keyEncrypted(dir.resolve("ca"))).isTrue();

        ClusterPki loaded = ClusterPki.load(dir.resolve("ca"), Clock.systemUTC(), PASSPHRASE);
        assertThat(loaded.ca().privateKey()).isEqualTo(created.ca().privateKey());
        TlsFiles node = loaded.issueNode("n1", dir.resolve("n1"));
        node.load().certificate().verify(created.ca().certificate().getPublicKey());
    }

    @Test
    void noPassphraseOrAWrongOneIsAClearErrorThatShowsNoSecret() {
        ClusterPki.create(dir.resolve("ca"), "rest.qnf", Clock.systemUTC(), PASSPHRASE);
        assertThatThrownBy(() -> ClusterPki.load(dir.resolve("ca")))
                .isInstanceOf(CaKeyException.class).hasMessageContaining("is encrypted")
                .hasMessageContaining("--ca-passphrase-file");
        assertThatThrownBy(() -> ClusterPki.load(dir.resolve("ca"), Clock.systemUTC(),
                CaPassphrase.of("wrong horse battery staple")))
                .isInstanceOf(CaKeyException.class).hasMessageContaining("does not decrypt")
                .hasMessageNotContaining("horse");
        assertThat(PASSPHRASE.toString()).doesNotContain("horse");
    }

    @Test
    void aPassphraseFileLosesItsTrailingNewlineAndMustBeLongEnough() throws Exception {
        Path file = dir.resolve("pass");
        Files.writeString(file, "correct horse battery staple\n");
        ClusterPki.create(dir.resolve("ca"), "rest.qnf", Clock.systemUTC(), CaPassphrase.fromFile(file));
        ClusterPki.load(dir.resolve("ca"), Clock.systemUTC(), PASSPHRASE);   // same passphrase without the newline
        Files.writeString(file, "short\n");
        assertThatThrownBy(() -> CaPassphrase.fromFile(file)).isInstanceOf(CaKeyException.class)
                .hasMessageContaining("fewer than 12");
        assertThatThrownBy(() -> CaPassphrase.fromFile(dir.resolve("missing"))).isInstanceOf(CaKeyException.class)
                .hasMessageContaining("cannot read");
    }

    @Test
    void aServerGivenAPassphraseEncryptsAPlainKeyInPlaceAndIssuesItselfACertificate() {
        ClusterPki.create(dir.resolve("pki/ca"), "rest.qnf");
        assertThat(ClusterPki.keyEncrypted(dir.resolve("pki/ca"))).isFalse();
        ServerPki server = new ServerPki(dir.resolve("pki"), "s1", List.of("127.0.0.1"), Clock.systemUTC(), PASSPHRASE);
        TlsFiles files = server.prepare(true, "rest.qnf");
        assertThat(ClusterPki.keyEncrypted(dir.resolve("pki/ca"))).isTrue();
        assertThat(files.load().spiffeId()).isEqualTo(SpiffeId.server("rest.qnf", "s1"));
        ServerPki without = new ServerPki(dir.resolve("pki"), "s1", List.of("127.0.0.1"), Clock.systemUTC());
        assertThatThrownBy(() -> without.prepare(true, "rest.qnf")).isInstanceOf(CaKeyException.class);
    }

    @Test
    void theCacheOpensTheKeyOnceAndAgainOnlyWhenTheFilesChange() {
        ClusterPki created = ClusterPki.create(dir.resolve("ca"), "rest.qnf", Clock.systemUTC(), PASSPHRASE);
        CaCache cache = new CaCache(dir.resolve("ca"), PASSPHRASE);
        ClusterPki first = cache.get();
        assertThat(cache.get()).isSameAs(first);
        ClusterPki other = ClusterPki.create(dir.resolve("other"), "rest.qnf");
        created.trusting(List.of(other.ca().certificate()));   // a rotation's first step rewrites the bundle
        assertThat(cache.get()).isNotSameAs(first);
        assertThat(cache.get().bundle()).contains(other.ca().certificate());
    }

    @Test
    void aSealedKeyOpensOnlyWithItsTokenSecretAndContext() {
        ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "rest.qnf");
        String context = CaKeyEnvelope.context("abcdef", "s2");
        String sealed = pki.sealKey("0123456789abcdef", context);
        assertThat(sealed).startsWith("qnf-ca-key-v1.");
        PrivateKey opened = CaKeyEnvelope.open(sealed, "0123456789abcdef", context);
        assertThat(opened).isEqualTo(pki.ca().privateKey());
        assertThat(CertificateAuthority.keyMatches(pki.ca().certificate(), opened)).isTrue();
        assertThatThrownBy(() -> CaKeyEnvelope.open(sealed, "0123456789abcdeX", context))
                .isInstanceOf(CaKeyException.class).hasMessageContaining("does not open");
        assertThatThrownBy(() -> CaKeyEnvelope.open(sealed, "0123456789abcdef", CaKeyEnvelope.context("abcdef", "s3")))
                .isInstanceOf(CaKeyException.class);
        assertThatThrownBy(() -> CaKeyEnvelope.open("garbage", "0123456789abcdef", context))
                .isInstanceOf(CaKeyException.class);
        assertThat(pki.sealKey("0123456789abcdef", context)).isNotEqualTo(sealed);   // fresh salt and nonce
    }
}
