package dev.qnf.consensus.raft;

import dev.qnf.consensus.error.ReplicaUnavailableException;
import dev.qnf.consensus.batch.CommandBatcher;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.statemachine.BatchRejectedException;
import dev.qnf.fabric.state.Reply;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Sends batches through Ratis. A batch the leader rejected whole comes back as an exception carrying the
 * replies; it is turned back into those replies, so callers see ordinary rejections. Every other failure
 * becomes a {@link ReplicaUnavailableException}.
 * <p>
 * Batches go through Ratis's blocking API, one per sender thread (the batcher bounds how many are in flight).
 * The ordered async API would work as well but logs every failed request at ERROR with full stack traces, and a
 * batch rejected whole is, for Ratis, a failed request: every duplicate network name would flood the log.
 * <p>
 * The leader answers once it has applied the entry; the replies are then held until this replica has applied it
 * too (normally a few milliseconds later), so a caller can read its own write from {@code localImage()}. A replica
 * that lags more than {@code localApplyWait} releases the replies anyway: the write is committed regardless.
 */
public final class RatisTransport implements CommandBatcher.Transport {
    private final RaftClient client;
    private final FabricCodec codec;
    private final Executor senders;
    private final LongFunction<CompletableFuture<Void>> appliedLocally;
    private final LongSupplier appliedRevision;
    private final Duration localApplyWait;
    private final Duration deadline;
    private final Duration retrySleep;

    /**
     * @param appliedLocally  completes once this replica has applied a log index
     * @param appliedRevision this replica's current revision, which answers a batch rejected before the log
     */
    public RatisTransport(RaftClient client, FabricCodec codec, Executor senders,
                          LongFunction<CompletableFuture<Void>> appliedLocally, LongSupplier appliedRevision,
                          Duration localApplyWait, RaftTuning tuning) {
        this.client = client;
        this.codec = codec;
        this.senders = senders;
        this.appliedLocally = appliedLocally;
        this.appliedRevision = appliedRevision;
        this.localApplyWait = localApplyWait;
        this.deadline = tuning.writeDeadline();
        this.retrySleep = tuning.retrySleep();
    }

    @Override
    public CompletableFuture<CommandBatcher.Sent> send(byte[] batch) {
        Message message = Message.valueOf(ByteString.copyFrom(batch));
        return CompletableFuture.supplyAsync(() -> call(message), senders).thenCompose(sent -> {
            if (sent.revision() < 0) {
                return CompletableFuture.completedFuture(
                        new CommandBatcher.Sent(sent.replies(), appliedRevision.getAsLong()));
            }
            return appliedLocally.apply(sent.revision())
                    .completeOnTimeout(null, localApplyWait.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(v -> sent);
        });
    }

    /** The replies, and the entry's log index or -1 when nothing was appended. */
    private CommandBatcher.Sent call(Message message) {
        RaftClientReply reply;
        try {
            reply = sendWithinDeadline(message);
        } catch (IOException | RuntimeException e) {
            Optional<List<Reply>> rejected = BatchRejectedException.repliesIn(e, codec);
            if (rejected.isPresent()) {
                return new CommandBatcher.Sent(rejected.get(), -1);
            }
            throw new CompletionException(unavailable(e));
        }
        if (!reply.isSuccess() || reply.getException() != null) {
            throw new CompletionException(unavailable(reply.getException()));
        }
        ByteString content = reply.getMessage() == null ? ByteString.EMPTY : reply.getMessage().getContent();
        if (content.isEmpty()) {
            // A retry answered from an entry that was replayed after a restart: applied, but the replies are gone.
            throw new CompletionException(new ReplicaUnavailableException("outcome unknown for log index "
                    + reply.getLogIndex()));
        }
        return new CommandBatcher.Sent(codec.decodeReplies(content.toByteArray()), reply.getLogIndex());
    }

    /**
     * Ratis retries most failures itself, but hands a leader's "stepping down" (during a leadership transfer)
     * straight back. Such a request was refused before it was appended, so sending it again is safe.
     */
    private RaftClientReply sendWithinDeadline(Message message) throws IOException {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                return client.io().send(message);
            } catch (LeaderSteppingDownException e) {
                if (System.nanoTime() + retrySleep.toNanos() >= giveUpAt) {
                    throw e;
                }
                try {
                    Thread.sleep(retrySleep.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a new leader");
                }
            }
        }
    }

    public static ReplicaUnavailableException unavailable(Throwable cause) {
        if (cause instanceof ReplicaUnavailableException u) {
            return u;
        }
        String what = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new ReplicaUnavailableException("replicated state unavailable: " + what, cause);
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
