package dev.qnf.api.backend;

import dev.qnf.fabric.state.Reply;

/** The reply to a replicated command and the revision of the state that answered it. */
public record Committed(Reply reply, long revision) {
}
