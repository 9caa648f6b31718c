package dev.qnf.consensus.apply;

import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.state.AuditTrail;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.FabricMachine;
import dev.qnf.fabric.state.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic half of replication: turns a batch into changes and replies. It sees only images and slots,
 * never Ratis, RocksDB or a clock, so every replica computes the same outcome from the same log entry.
 */
public final class BatchApplier {
    private BatchApplier() {
    }

    /** What one log entry did: the next image (at the entry's revision), every change in order, one reply per slot. */
    public record Outcome(FabricImage image, List<Change> changes, List<Reply> replies) {
        public Outcome {
            changes = List.copyOf(changes);
            replies = List.copyOf(replies);
        }
    }

    /**
     * The leader's dry run. Commands are decided in order against a scratch image that accumulates the accepted
     * ones, as apply will; a rejected command becomes a {@link Slot.Refused}. The decision that counts is still
     * the one apply makes, since entries that are appended but not yet applied are not in {@code image}.
     */
    public record Validation(List<Slot> slots, List<Reply> replies) {
        public Validation {
            slots = List.copyOf(slots);
            replies = List.copyOf(replies);
        }

        /** Nothing left to replicate: the caller should answer without appending. */
        public boolean allRefused() {
            return slots.stream().allMatch(s -> s instanceof Slot.Refused);
        }

        /** The entry differs from what was proposed and must be re-encoded. */
        public boolean anyRefused() {
            return slots.stream().anyMatch(s -> s instanceof Slot.Refused);
        }
    }

    public static Validation validate(FabricImage image, List<Slot> proposed) {
        FabricImage scratch = image;
        List<Slot> slots = new ArrayList<>(proposed.size());
        List<Reply> replies = new ArrayList<>(proposed.size());
        for (Slot slot : proposed) {
            if (slot instanceof Slot.Proposed p) {
                Decision d = FabricMachine.decide(scratch, p.command());
                if (d.reply() instanceof Reply.Rejected rejected) {
                    slots.add(new Slot.Refused(rejected));
                } else {
                    slots.add(slot);
                    if (!d.changes().isEmpty()) {
                        scratch = scratch.apply(d.changes(), scratch.revision());
                    }
                }
                replies.add(d.reply());
            } else {
                slots.add(slot);
                replies.add(((Slot.Refused) slot).rejection());
            }
        }
        return new Validation(slots, replies);
    }

    /** Applies a committed entry. The resulting image has the entry's revision even when nothing changed. */
    public static Outcome apply(FabricImage image, List<Slot> slots, long revision) {
        FabricImage next = image;
        List<Change> changes = new ArrayList<>();
        List<Reply> replies = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            if (slot instanceof Slot.Proposed p) {
                Decision d = FabricMachine.decide(next, p.command());
                List<Change> applied = d.changes();
                if (p.command() instanceof Attributed a) {   // the audit record, in the same apply as the write
                    applied = new ArrayList<>(applied);
                    applied.addAll(AuditTrail.record(next, a, d, revision));
                }
                if (!applied.isEmpty()) {
                    next = next.apply(applied, revision);
                    changes.addAll(applied);
                }
                replies.add(d.reply());
            } else {
                replies.add(((Slot.Refused) slot).rejection());
            }
        }
        if (next.revision() != revision) {
            next = next.apply(List.of(), revision);
        }
        return new Outcome(next, changes, replies);
    }
}
