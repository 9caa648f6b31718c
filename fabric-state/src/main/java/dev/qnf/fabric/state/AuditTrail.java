package dev.qnf.fabric.state;

import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.state.Reply.Ok;

import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail's one rule: an attributed command that was accepted and changed something gets an
 * {@link AuditEntry} in the same apply, and the trail keeps the last {@link #RETAINED} entries (the oldest is
 * deleted as a new one arrives). Refusals and no-op retries (an agent re-registering an unchanged node) are not
 * recorded, so routine heartbeats do not push real changes out of the window.
 */
public final class AuditTrail {
    /** Entries kept in the replicated state: about 200 bytes each, so about 1 MB, and in every snapshot. */
    public static final int RETAINED = 5_000;

    private AuditTrail() {
    }

    /** The changes that record {@code decision} of {@code command}, applied at {@code revision} onto {@code image}. */
    public static List<Change> record(FabricImage image, Attributed command, Decision decision, long revision) {
        if (!decision.accepted() || decision.changes().isEmpty()) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>(2);
        AuditEntry last = null;
        int size = 0;
        AuditEntry first = null;
        for (AuditEntry e : image.audit()) {   // ordered by seq; the map is bounded by RETAINED
            if (first == null) {
                first = e;
            }
            last = e;
            size++;
        }
        if (size >= RETAINED) {
            changes.add(new Change.Delete(first.key()));
        }
        long seq = last == null ? 1 : last.seq() + 1;
        changes.add(new Change.Put(new AuditEntry(seq, command.who(), kind(command), object(decision),
                command.atMillis(), revision)));
        return changes;
    }

    /** {@code create-network}, {@code revoke-node}: the command's record name in kebab case. */
    static String kind(Attributed command) {
        return command.command().getClass().getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** The key of the object the write was about: the one the reply names, else the last one it changed. */
    private static String object(Decision decision) {
        if (decision.reply() instanceof Ok ok && ok.resource() != null) {
            return ok.resource().key().toString();
        }
        return decision.changes().get(decision.changes().size() - 1).key().toString();
    }
}
