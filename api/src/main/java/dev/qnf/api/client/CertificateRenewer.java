package dev.qnf.api.client;

import dev.qnf.api.json.RenewedCertificate;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the certificate in a {@link TlsFiles} directory current, for holders without the CA key (node agents):
 * once half its lifetime has passed, plus a random jitter of up to a tenth of it (holders issued together do not
 * all renew at once), it generates a fresh key pair, asks any server to renew ({@code POST /v1/certificates/renew},
 * authenticated by the certificate being renewed) and writes key (0600), bundle and certificate, each atomically
 * ({@link TlsFiles#write}). Whoever uses the files through {@link dev.qnf.api.pki.ReloadingIdentity} — the holder's
 * own {@link QnfClient} included — presents the new certificate from its next handshake. A failed renewal is
 * retried with backoff (1 s, doubling, at most a tenth of the lifetime or 5 minutes), through every server.
 */
public final class CertificateRenewer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewer.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final List<URI> endpoints;
    private final Duration timeout;
    private final TlsFiles files;
    private final Clock clock;
    private final Random random;
    private final ScheduledExecutorService timer;
    private Duration backoff = FIRST_BACKOFF;

    CertificateRenewer(List<URI> endpoints, Duration timeout, TlsFiles files, Clock clock, Random random) {
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        this.files = files;
        this.clock = clock;
        this.random = random;
        this.timer = DaemonThreads.scheduler("qnf-cert-renewer");
    }

    /** Renews the certificate in {@code files} through the servers at {@code endpoints} until closed. */
    public static CertificateRenewer start(List<URI> endpoints, Duration timeout, TlsFiles files) {
        CertificateRenewer renewer = new CertificateRenewer(endpoints, timeout, files, Clock.systemUTC(), new Random());
        renewer.timer.execute(renewer::tick);
        return renewer;
    }

    /**
     * One renewal now, whatever the certificate's age: a new key pair, a certificate for it from any server that
     * can issue, written into {@code files}. Throws {@link QnfApiException} for a refusal (403: revoked). The server
     * renews the certificate {@code client}'s connection presented, which must not have expired: use a client whose
     * connections are new (a long-lived client's pooled connection may still be the one opened with an older
     * certificate).
     */
    public static Identity renew(QnfClient client, TlsFiles files) {
        Identity current = files.load();
        KeyPair keys = CertificateAuthority.newKeyPair();
        RenewedCertificate answer = client.renewCertificate(Pem.certificateRequest(keys));
        List<X509Certificate> certs = Pem.decodeCertificates(answer.certificate());
        List<X509Certificate> bundle = Pem.decodeCertificates(answer.bundle());
        if (certs.isEmpty() || bundle.isEmpty()) {
            throw new IllegalStateException("the renewal answer holds no certificate or no trust bundle");
        }
        X509Certificate cert = certs.get(0);
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new IllegalStateException("the server answered a certificate for another key");
        }
        if (!SpiffeId.of(cert).equals(current.spiffeId())) {
            throw new IllegalStateException("the server answered a certificate for " + SpiffeId.of(cert) + ", not "
                    + current.spiffeId());
        }
        // the whole chain: during a CA rotation the cross-certificate follows the leaf (docs/security.md)
        Identity renewed = new Identity(keys.getPrivate(), certs, bundle);
        files.write(renewed);
        return renewed;
    }

    /** One step: renew if due, then schedule the next step. */
    private void tick() {
        Duration next;
        try {
            Identity current = files.load();
            Instant now = clock.instant();
            Instant due = CertificateAuthority.halfLife(current.certificate());
            if (now.isBefore(due)) {
                next = Duration.between(now, due).plus(jitter(current.certificate()));
            } else {
                Identity renewed;
                // a client of its own: a new connection presents the current certificate (see renew)
                try (QnfClient client = QnfClient.connect(endpoints, timeout, files)) {
                    renewed = renew(client, files);
                }
                log.info("renewed the certificate of {}: serial {}, valid until {}", renewed.spiffeId(),
                        renewed.certificate().getSerialNumber().toString(16), renewed.notAfter());
                backoff = FIRST_BACKOFF;
                next = Duration.between(clock.instant(), CertificateAuthority.halfLife(renewed.certificate()))
                        .plus(jitter(renewed.certificate()));
            }
        } catch (RuntimeException e) {
            next = backoff;
            backoff = backoff.multipliedBy(2);
            Duration cap = cap();
            if (backoff.compareTo(cap) > 0) {
                backoff = cap;
            }
            log.warn("renewing the certificate in {} failed ({}); retrying in {} ms", files.cert(), e.getMessage(),
                    next.toMillis());
        }
        try {
            timer.schedule(this::tick, Math.max(0, next.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    /** Up to a tenth of the lifetime, so that holders issued together spread their renewals. */
    private Duration jitter(X509Certificate cert) {
        long tenth = CertificateAuthority.lifetimeOf(cert).toMillis() / 10;
        return Duration.ofMillis(tenth <= 0 ? 0 : (long) (random.nextDouble() * tenth));
    }

    /** The longest retry wait: a tenth of the current lifetime (at least 1 s), at most 5 minutes. */
    private Duration cap() {
        Duration tenth;
        try {
            tenth = CertificateAuthority.lifetimeOf(files.load().certificate()).dividedBy(10);
        } catch (RuntimeException unreadable) {
            tenth = MAX_BACKOFF;
        }
        if (tenth.compareTo(FIRST_BACKOFF) < 0) {
            return FIRST_BACKOFF;
        }
        return tenth.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : tenth;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
