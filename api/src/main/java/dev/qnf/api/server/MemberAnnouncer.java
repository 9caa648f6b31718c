package dev.qnf.api.server;

import dev.qnf.api.backend.Committed;
import dev.qnf.api.backend.FabricBackend;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.command.AnnounceMember;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.state.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records this server's API URL in the fabric once after start, so that every server can tell clients about it:
 * waits for a leader, then submits {@link AnnounceMember}, retrying with backoff until it is accepted.
 */
final class MemberAnnouncer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemberAnnouncer.class);
    private static final Duration FIRST_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private final FabricBackend backend;
    private final AnnounceMember command;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private MemberAnnouncer(FabricBackend backend, Member member) {
        this.backend = backend;
        this.command = new AnnounceMember(member);
        this.timer = DaemonThreads.scheduler("qnf-announce-" + member.id());
    }

    static MemberAnnouncer start(FabricBackend backend, Member member) {
        MemberAnnouncer announcer = new MemberAnnouncer(backend, member);
        announcer.schedule(FIRST_DELAY);
        return announcer;
    }

    /** Completes once the announcement is accepted. */
    CompletableFuture<Void> done() {
        return done;
    }

    private void schedule(Duration delay) {
        if (!timer.isShutdown()) {
            timer.schedule(() -> attempt(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void attempt(Duration delay) {
        Duration next = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        if (backend.status().leaderId() == null) {
            schedule(next);
            return;
        }
        CompletableFuture<Committed> submitted;
        try {
            submitted = backend.submit(command);
        } catch (RuntimeException e) {
            submitted = CompletableFuture.failedFuture(e);
        }
        submitted.orTimeout(MAX_DELAY.toMillis(), TimeUnit.MILLISECONDS).whenComplete((committed, failure) -> {
            if (failure == null && committed.reply() instanceof Reply.Ok) {
                log.info("announced {} at {}", command.member().id(), command.member().apiAddress());
                done.complete(null);
                timer.shutdown();
            } else {
                log.debug("announcing {} failed; retrying", command.member().id(), failure);
                schedule(next);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
