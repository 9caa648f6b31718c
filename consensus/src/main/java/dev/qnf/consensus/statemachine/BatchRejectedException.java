package dev.qnf.consensus.statemachine;

import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.fabric.state.Reply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Raised by the leader when its dry run rejects every command of a batch, so that nothing is appended.
 * Ratis carries only the exception's class name and message to the client, so the replies travel inside the
 * message between markers and {@link #repliesIn} finds them again in whatever Ratis wrapped around them.
 */
public final class BatchRejectedException extends IOException {
    private static final String START = "QNF-REJECTED[";
    private static final char END = ']';

    /** Ratis re-creates the exception on the client through this constructor. */
    public BatchRejectedException(String message) {
        super(message);
    }

    static BatchRejectedException of(FabricCodec codec, List<Reply> replies) {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(codec.encodeReplies(replies));
        return new BatchRejectedException("every command was rejected " + START + payload + END);
    }

    /** The replies carried by {@code failure} or any of its causes, if it is a rejected batch. */
    public static Optional<List<Reply>> repliesIn(Throwable failure, FabricCodec codec) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            int start = message == null ? -1 : message.indexOf(START);
            if (start >= 0) {
                int from = start + START.length();
                int end = message.indexOf(END, from);
                if (end > from) {
                    byte[] json = Base64.getUrlDecoder().decode(message.substring(from, end)
                            .getBytes(StandardCharsets.US_ASCII));
                    return Optional.of(codec.decodeReplies(json));
                }
            }
        }
        return Optional.empty();
    }
}
