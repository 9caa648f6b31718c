package dev.qnf.api.server;

import dev.qnf.api.backend.FabricBackend;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.CaPin;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.pki.RotatedCa;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.model.CaRotation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes this server's CA directory and TLS identity follow the CA rotation the replicated state records (every
 * {@link #PERIOD}; a server started later or restarted catches up on its first pass). Once per new state record:
 * <ol>
 *   <li>the record must be vouched for by a CA this server trusts already (the cross-certificate verifies with the
 *   previous CA's key, see {@link RotatedCa#of}), else it is not followed;</li>
 *   <li>a server holding the previous CA key opens the new one (sealed under it) and installs the new CA, the
 *   cross-certificate and the bundle into its CA directory (the key encrypted at rest under the passphrase, if
 *   any); one holding the new CA already only rewrites bundle and cross-certificate (the old CA retired);</li>
 *   <li>the server's own certificate is reissued from the new CA at once (chain [leaf, cross-certificate] during
 *   the overlap, so that peers still trusting only the old CA accept it); a server without the CA key rewrites only
 *   its trust bundle.</li>
 * </ol>
 * Every TLS user of these files (API, Raft, join port, renewal) picks the new ones up on its next handshake.
 */
final class CaFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CaFollower.class);
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final FabricBackend backend;
    private final TlsFiles files;
    /** Null when this server holds no CA. */
    private final Path caDir;
    private final CaPassphrase passphrase;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** The state record this server has converged to (or gave up on), so a pass costs nothing until it changes. */
    private volatile CaRotation handled;
    /** The record the last failure was logged for: retried every period, logged once (with its cause) per record. */
    private volatile CaRotation failedOn;

    private CaFollower(FabricBackend backend, TlsFiles files, Path caDir, CaPassphrase passphrase, String serverId,
                       Clock clock) {
        this.backend = backend;
        this.files = files;
        this.caDir = caDir;
        this.passphrase = passphrase == null ? CaPassphrase.none() : passphrase;
        this.clock = clock;
        this.timer = DaemonThreads.scheduler("qnf-ca-follower-" + serverId);
    }

    static CaFollower start(FabricBackend backend, TlsFiles files, Path caDir, CaPassphrase passphrase,
                            String serverId, Clock clock) {
        CaFollower follower = new CaFollower(backend, files, caDir, passphrase, serverId, clock);
        follower.timer.scheduleWithFixedDelay(follower::followOnce, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return follower;
    }

    private void followOnce() {
        try {
            Optional<CaRotation> state = backend.localImage().caRotation();
            if (state.isEmpty() || state.get().equals(handled)) {
                return;
            }
            try {
                follow(state.get());
                handled = state.get();
            } catch (RuntimeException e) {
                if (!state.get().equals(failedOn)) {
                    failedOn = state.get();
                    log.warn("following the cluster CA rotation {} failed; retrying every {}", state.get(), PERIOD, e);
                }
            }
        } catch (RuntimeException e) {
            log.warn("reading the cluster CA rotation failed; retrying in {}", PERIOD, e);
        }
    }

    private void follow(CaRotation state) {
        RotatedCa rotation;
        try {
            rotation = RotatedCa.of(state);
        } catch (IllegalStateException e) {
            log.error("the CA rotation in the replicated state is unusable, not following it: {}", e.getMessage());
            return;
        }
        Identity own = files.load();
        if (!rotation.vouchedForBy(own.bundle())) {
            log.error("the CA rotation in the replicated state ({} -> {}) names CAs this server does not trust; "
                    + "not following it", state.previousPin(), state.signerPin());
            return;
        }
        ClusterPki ca = caDir != null && ClusterPki.exists(caDir) ? installed(rotation) : null;
        if (ca != null && (!issuedBy(own.certificate(), rotation.signer())
                || !own.chain().subList(1, own.chain().size()).equals(ca.intermediates()))) {
            Identity renewed = ca.issue(own.spiffeId(), null, CertificateAuthority.hostsOf(own.certificate()),
                    CertificateAuthority.DEFAULT_LEAF_LIFETIME);
            files.write(renewed);
            log.info("reissued this server's certificate from CA {} (serial {}, chain of {})", state.signerPin(),
                    renewed.certificate().getSerialNumber().toString(16), renewed.chain().size());
        } else if (!own.bundle().equals(rotation.bundle())) {
            Pem.writeCertificates(files.bundle(), rotation.bundle());
            log.info("trust bundle now {}", rotation.bundle().stream().map(CaPin::of).toList());
        }
    }

    /** This server's CA directory brought to the rotation's CA and trust; null if it cannot follow. */
    private ClusterPki installed(RotatedCa rotation) {
        ClusterPki local = ClusterPki.load(caDir, clock, passphrase);   // finishes an install a crash interrupted
        X509Certificate held = local.ca().certificate();
        X509Certificate attached = rotation.attached();
        if (held.equals(rotation.signer())) {
            ClusterPki ca = local;
            if (!ca.bundle().equals(rotation.bundle()) || !ca.intermediates().equals(attached == null ? List.of()
                    : List.of(attached))) {
                ca = ca.withTrust(rotation.bundle(), attached);
                log.info("CA trust bundle now {}", rotation.bundle().stream().map(CaPin::of).toList());
            }
            return ca;
        }
        if (held.equals(rotation.previous())) {
            ClusterPki ca = ClusterPki.installRotated(caDir, rotation.signer(), rotation.openKey(local), attached,
                    rotation.bundle(), passphrase, clock);
            log.info("installed the rotated cluster CA {} (replacing {}) in {}", rotation.state().signerPin(),
                    rotation.state().previousPin(), caDir);
            return ca;
        }
        log.error("this server holds CA {}, neither the CA the cluster rotated from ({}) nor to ({}): it cannot "
                + "open the new CA key. Copy the CA directory of a current server to {}", CaPin.of(held),
                rotation.state().previousPin(), rotation.state().signerPin(), caDir);
        return null;
    }

    private static boolean issuedBy(X509Certificate leaf, X509Certificate ca) {
        if (!Objects.equals(leaf.getIssuerX500Principal(), ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
