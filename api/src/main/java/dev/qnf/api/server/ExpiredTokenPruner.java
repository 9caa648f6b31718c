package dev.qnf.api.server;

import dev.qnf.api.backend.Committed;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.PruneExpiredToken;
import dev.qnf.fabric.model.JoinToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Garbage-collects expired join tokens: every {@link #PERIOD}, the leader proposes a {@link PruneExpiredToken} with
 * its clock for each token its applied state holds that has expired by that clock. The state machine deletes a token
 * only if it has expired at the command's time, so replicas agree however late they apply it, and the clock is read
 * here, never in apply. Only the leader proposes (after a leader change the new one carries on), so servers do not
 * flood the log with the same deletions; a duplicate would be a no-op anyway. Each prune is attributed to this
 * server and so recorded in the audit trail next to the token's creation and redemptions.
 */
final class ExpiredTokenPruner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExpiredTokenPruner.class);
    /** How long an expired token may stay listed at most (plus a commit). */
    static final Duration PERIOD = Duration.ofSeconds(2);

    private final FabricBackend backend;
    private final String serverId;
    private final String who;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** Prunes proposed and not yet answered, so a slow commit is not proposed again. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    private ExpiredTokenPruner(FabricBackend backend, String serverId, String who, Clock clock) {
        this.backend = backend;
        this.serverId = serverId;
        this.who = who;
        this.clock = clock;
        this.timer = DaemonThreads.scheduler("qnf-token-pruner-" + serverId);
    }

    /** @param who this server's identity, as the audit trail names the prunes */
    static ExpiredTokenPruner start(FabricBackend backend, String serverId, String who, Clock clock) {
        ExpiredTokenPruner pruner = new ExpiredTokenPruner(backend, serverId, who, clock);
        pruner.timer.scheduleWithFixedDelay(pruner::pruneOnce, PERIOD.toMillis(), PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        return pruner;
    }

    private void pruneOnce() {
        try {
            if (!serverId.equals(backend.status().leaderId())) {
                return;
            }
            long now = clock.millis();
            for (JoinToken token : backend.localImage().tokens()) {
                if (now >= token.expiresAtMillis() && inFlight.add(token.id())) {
                    CompletableFuture<Committed> submitted;
                    try {
                        submitted = backend.submit(new Attributed(who, now, new PruneExpiredToken(token.id(), now)));
                    } catch (RuntimeException e) {
                        submitted = CompletableFuture.failedFuture(e);
                    }
                    submitted.orTimeout(PERIOD.toMillis() * 5, TimeUnit.MILLISECONDS)
                            .whenComplete((committed, failure) -> {
                                inFlight.remove(token.id());
                                if (failure != null) {
                                    log.debug("pruning expired join token {} failed; retrying", token.id(), failure);
                                }
                            });
                }
            }
        } catch (RuntimeException e) {
            log.warn("pruning expired join tokens failed; retrying in {}", PERIOD, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
