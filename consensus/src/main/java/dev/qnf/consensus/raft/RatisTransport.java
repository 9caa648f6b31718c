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

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends batches through Ratis. A batch the leader rejected whole comes back as an exception carrying the
 * replies; it is turned back into those replies, so callers see ordinary rejections. Every other failure
 * becomes a {@link ReplicaUnavailableException}.
 */
public final class RatisTransport implements CommandBatcher.Transport {
    private final RaftClient client;
    private final FabricCodec codec;

    public RatisTransport(RaftClient client, FabricCodec codec) {
        this.client = client;
        this.codec = codec;
    }

    @Override
    public CompletableFuture<List<Reply>> send(byte[] batch) {
        return client.async().send(Message.valueOf(ByteString.copyFrom(batch))).handle((reply, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                Optional<List<Reply>> rejected = BatchRejectedException.repliesIn(cause, codec);
                if (rejected.isPresent()) {
                    return rejected.get();
                }
                throw new CompletionException(unavailable(cause));
            }
            return replies(reply);
        });
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
