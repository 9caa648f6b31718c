package dev.qnf.api.pki;

import dev.qnf.api.server.ServerPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server's PKI directory: CA created only when founding alone, own certificate renewed at half life. */
class ServerPkiTest {
    @TempDir
    Path dir;

    @Test
    void foundingAloneCreatesTheCaAndRenewsAtHalfLife() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        ServerPki pki = new ServerPki(dir, "s1", List.of("10.0.0.1"), Clock.fixed(t0, ZoneOffset.UTC));
        TlsFiles files = pki.prepare(true, "prod.qnf");
        Identity first = files.load();
        assertThat(first.spiffeId()).isEqualTo(SpiffeId.server("prod.qnf", "s1"));
        assertThat(first.role()).isEqualTo(Role.SERVER);
        assertThat(Pem.readCertificates(pki.caDir().resolve(ClusterPki.CA_KEY).resolveSibling(ClusterPki.CA_CERT)))
                .hasSize(1);
        assertThat(pki.renewIfDue()).as("fresh").isFalse();

        // 24 h leaves (backdated 5 min, which does not count): half life is 12 h after issue
        ServerPki before = new ServerPki(dir, "s1", List.of(), Clock.fixed(t0.plus(Duration.ofHours(11)), ZoneOffset.UTC));
        assertThat(before.renewIfDue()).isFalse();
        ServerPki after = new ServerPki(dir, "s1", List.of(), Clock.fixed(t0.plus(Duration.ofHours(12)), ZoneOffset.UTC));
        assertThat(after.renewIfDue()).isTrue();
        assertThat(files.load().certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    }

    @Test
    void aMemberOfALargerGroupNeedsTheCaHandedToIt() {
        ServerPki pki = new ServerPki(dir, "s2", List.of(), Clock.systemUTC());
        assertThatThrownBy(() -> pki.prepare(false, "prod.qnf")).hasMessageContaining("no TLS identity");
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsNotLoaded(@TempDir Path other) {
        ClusterPki ca = ClusterPki.create(other.resolve("ca"), "prod.qnf");
        TlsFiles one = ca.issueNode("a", other.resolve("a"));
        TlsFiles two = ca.issueNode("b", other.resolve("b"));
        Pem.writePrivateKey(one.key(), two.load().key());
        assertThatThrownBy(one::load).hasMessageContaining("does not belong");
    }
}
