package dev.qnf.consensus.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Completes once this replica has applied everything committed before the call began: Ratis sends the read to
 * this server, which obtains a read index from the leader and waits until it has applied that far. Ratis answers
 * "leader unknown" at once while an election runs, so such refusals are retried until the deadline.
 */
public final class ReadBarrier {
    private static final Message BARRIER = Message.valueOf("read-barrier");

    private final RaftClient client;
    private final RaftPeerId self;
    private final Duration deadline;
    private final Duration retrySleep;
    private final Duration attemptTimeout;

    public ReadBarrier(RaftClient client, RaftPeerId self, RaftTuning tuning) {
        this.client = client;
        this.self = self;
        this.deadline = tuning.writeDeadline();
        this.retrySleep = tuning.retrySleep();
        this.attemptTimeout = tuning.rpcTimeout();
    }

    public CompletableFuture<Void> pass() {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        return attempt(giveUpAt)
                .orTimeout(deadline.plus(attemptTimeout).toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    Throwable cause = RatisTransport.unwrap(e);
                    if (cause instanceof TimeoutException) {
                        cause = new TimeoutException("no read index within " + deadline.plus(attemptTimeout));
                    }
                    throw new CompletionException(RatisTransport.unavailable(cause));
                });
    }

    private CompletableFuture<Void> attempt(long giveUpAt) {
        return client.async().sendReadOnlyUnordered(BARRIER, self).handle((reply, failure) -> {
            Throwable problem = failure != null ? RatisTransport.unwrap(failure)
                    : reply.isSuccess() ? null : reply.getException();
            if (problem == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (System.nanoTime() + retrySleep.toNanos() >= giveUpAt) {
                return CompletableFuture.<Void>failedFuture(problem);
            }
            return CompletableFuture.runAsync(() -> { },
                            CompletableFuture.delayedExecutor(retrySleep.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(v -> attempt(giveUpAt));
        }).thenCompose(f -> f);
    }
}
