package dev.qnf.api.service;

import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.CaCache;
import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.RotatedCa;
import dev.qnf.fabric.model.CaRotation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code qnf ca rotate | retire-old | status}: a rotation is prepared by the server taking the request, which must
 * hold the current CA key (a new CA, cross-signed by the current one, its key sealed under the current key; see
 * {@link RotatedCa}), and recorded through consensus; every server then installs it ({@code CaFollower}). The state
 * machine decides whether a rotation or a retirement is allowed; the keys never leave the servers in the clear.
 */
public final class CaRotations {
    private static final Logger log = LoggerFactory.getLogger(CaRotations.class);

    private final FabricService fabric;
    /** This server's CA, null when it holds none. */
    private final CaCache ca;
    /** The trust bundle this server uses now: what status shows before any rotation. */
    private final Supplier<List<X509Certificate>> trusted;
    private final Clock clock;

    public CaRotations(FabricService fabric, Path caDir, CaPassphrase passphrase,
                       Supplier<List<X509Certificate>> trusted, Clock clock) {
        this.fabric = fabric;
        this.ca = caDir == null ? null : new CaCache(caDir, passphrase == null ? CaPassphrase.none() : passphrase);
        this.trusted = trusted;
        this.clock = clock;
    }

    /** The status: from the state after a rotation, else from this server's own trust. */
    public record Status(List<X509Certificate> bundle, X509Certificate signer, Optional<CaRotation> rotation,
                         long revision) {
    }

    /** Starts a rotation from the CA this server holds; 409 if it holds none or the state refuses. */
    public CompletableFuture<Applied<Status>> rotate() {
        if (ca == null || !ca.exists()) {
            throw new ApiException(ApiCode.FAILED_PRECONDITION, "this server holds no cluster CA key; rotate through "
                    + "one that does");
        }
        ClusterPki current = ca.get();
        RotatedCa next = RotatedCa.prepare(current, clock);
        return fabric.rotateCa(next.state()).thenApply(a -> {
            log.info("CA rotation recorded at revision {}: {} -> {} (the old CA stays trusted until retired)",
                    a.revision(), next.state().previousPin(), next.state().signerPin());
            return new Applied<>(status(a.value(), a.revision()), a.created(), a.revision());
        });
    }

    /** Retires the old CA of the last rotation; 409 before the overlap has passed unless {@code force}. */
    public CompletableFuture<Applied<Status>> retireOld(boolean force) {
        return fabric.retireOldCa(force).thenApply(a -> {
            if (a.created()) {
                log.info("the old CA {} is retired{} at revision {}", a.value().previousPin(),
                        force ? " (forced)" : "", a.revision());
            }
            return new Applied<>(status(a.value(), a.revision()), a.created(), a.revision());
        });
    }

    public CompletableFuture<Versioned<Status>> status(boolean stale) {
        return fabric.caRotation(stale).thenApply(v -> new Versioned<>(v.value()
                .map(r -> status(r, v.revision()))
                .orElseGet(() -> beforeAnyRotation(v.revision())), v.revision()));
    }

    private Status status(CaRotation r, long revision) {
        RotatedCa rotated = RotatedCa.of(r);
        return new Status(rotated.bundle(), rotated.signer(), Optional.of(r), revision);
    }

    private Status beforeAnyRotation(long revision) {
        List<X509Certificate> bundle = trusted.get();
        if (bundle.isEmpty()) {
            throw new ApiException(ApiCode.FAILED_PRECONDITION, "this server runs without TLS: it has no cluster CA");
        }
        X509Certificate signer = ca != null && ca.exists() ? ca.get().ca().certificate() : bundle.get(0);
        return new Status(bundle, signer, Optional.empty(), revision);
    }
}
