package dev.qnf.consensus;

import dev.qnf.fabric.state.Reply;

/**
 * A command's reply and the revision of the state that answered it: the log index of the entry that carried the
 * command, or, for a command rejected before anything was appended, the revision this replica had applied then.
 * Watching from {@code revision + 1} shows what happened after it.
 */
public record SubmitResult(Reply reply, long revision) {
}
