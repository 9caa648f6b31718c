package dev.qnf.fabric.state;

import java.util.List;

/** What a command does to an image: the changes to apply and the reply to send. A rejection has no changes. */
public record Decision(List<Change> changes, Reply reply) {
    public Decision {
        changes = List.copyOf(changes);
    }

    static Decision rejected(ErrorCode code, String message) {
        return new Decision(List.of(), Reply.rejected(code, message));
    }

    public boolean accepted() {
        return reply instanceof Reply.Ok;
    }
}
