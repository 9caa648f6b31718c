package dev.qnf.consensus.apply;

import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.Reply;

import java.util.Objects;

/**
 * One position of a replicated batch. Clients propose commands; the leader replaces each command its dry run
 * rejects by a {@link Refused} slot, so the bad input never reaches the log while the batch keeps its shape
 * and every caller still gets the reply at its own position.
 */
public sealed interface Slot permits Slot.Proposed, Slot.Refused {

    record Proposed(Command command) implements Slot {
        public Proposed {
            Objects.requireNonNull(command, "command");
        }
    }

    record Refused(Reply.Rejected rejection) implements Slot {
        public Refused {
            Objects.requireNonNull(rejection, "rejection");
        }
    }
}
