package dev.qnf.consensus.raft;

import dev.qnf.consensus.ReplicaUnavailableException;
import dev.qnf.consensus.batch.CommandBatcher;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.consensus.statemachine.BatchRejectedException;
import dev.qnf.fabric.state.Reply;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Sends batches through Ratis. A batch the leader rejected whole comes back as an exception carrying the
 * replies; it is turned back into those replies, so callers see ordinary rejections. Every other failure
 * becomes a {@link ReplicaUnavailableException}.
 * <p>
 * The leader answers once it has applied the entry; the replies are then held until this replica has applied it
 * too (normally a few milliseconds later), so a caller can read its own write from {@code localImage()}. A replica
 * that lags more than {@code localApplyWait} releases the replies anyway: the write is committed regardless.
 */
public final class RatisTransport implements CommandBatcher.Transport {
    private final RaftClient client;
    private final FabricCodec codec;
    private final LongFunction<CompletableFuture<Void>> appliedLocally;
    private final Duration localApplyWait;

    public RatisTransport(RaftClient client, FabricCodec codec, LongFunction<CompletableFuture<Void>> appliedLocally,
                          Duration localApplyWait) {
        this.client = client;
        this.codec = codec;
        this.appliedLocally = appliedLocally;
        this.localApplyWait = localApplyWait;
    }

    @Override
    public CompletableFuture<List<Reply>> send(byte[] batch) {
        return client.async().send(Message.valueOf(ByteString.copyFrom(batch))).handle((reply, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                Optional<List<Reply>> rejected = BatchRejectedException.repliesIn(cause, codec);
                if (rejected.isPresent()) {
                    return CompletableFuture.completedFuture(rejected.get());
                }
                throw new CompletionException(unavailable(cause));
            }
            List<Reply> replies = replies(reply);
            return appliedLocally.apply(reply.getLogIndex())
                    .completeOnTimeout(null, localApplyWait.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(v -> replies);
        }).thenCompose(f -> f);
    }

    private List<Reply> replies(RaftClientReply reply) {
        if (!reply.isSuccess() || reply.getException() != null) {
            throw new CompletionException(unavailable(reply.getException()));
        }
        ByteString content = reply.getMessage() == null ? ByteString.EMPTY : reply.getMessage().getContent();
        if (content.isEmpty()) {
            // A retry answered from an entry that was replayed after a restart: applied, but the replies are gone.
            throw new CompletionException(new ReplicaUnavailableException("outcome unknown for log index "
                    + reply.getLogIndex()));
        }
        return codec.decodeReplies(content.toByteArray());
    }

    public static ReplicaUnavailableException unavailable(Throwable cause) {
        if (cause instanceof ReplicaUnavailableException u) {
            return u;
        }
        String what = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new ReplicaUnavailableException("replicated state unavailable: " + what, cause);
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
