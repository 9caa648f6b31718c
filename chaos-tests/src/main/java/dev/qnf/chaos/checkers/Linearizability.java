package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.Operation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing &amp; Gong's linearizability search with Lowe's memoization (the algorithm of Knossos' "wgl" checker and of
 * Porcupine) over one key's history. Operations with an unknown outcome never return: they may be ordered
 * anywhere after their invocation, or effectively not at all (last, with no observer after them).
 */
final class Linearizability {
    /** The result of one search. */
    enum Result { LINEARIZABLE, NOT_LINEARIZABLE, GAVE_UP }

    /** A state machine over int states: the next state, or {@link Integer#MIN_VALUE} if the step is impossible. */
    interface Model {
        int step(int state, Operation op);
    }

    private static final class Entry {
        final Operation op;
        final int index;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(Operation op, int index, boolean call, long time) {
            this.op = op;
            this.index = index;
            this.call = call;
            this.time = time;
        }
    }

    private record Memo(BitSet linearized, int state) {
    }

    private Linearizability() {
    }

    /** Searches for a linearization of {@code ops} from {@code initial}, exploring at most {@code budget} states. */
    static Result check(List<Operation> ops, int initial, Model model, long budget) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Entry call = new Entry(op, i, true, op.invokeNanos());
            Entry ret = new Entry(op, i, false, op.effectiveCompleteNanos());
            call.match = ret;
            ret.match = call;
            entries.add(call);
            entries.add(ret);
        }
        // calls before returns at equal times: such operations overlap
        entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
        Entry head = new Entry(null, -1, true, Long.MIN_VALUE);
        Entry prev = head;
        for (Entry e : entries) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }

        Set<Memo> seen = new HashSet<>();
        Deque<Entry> stack = new ArrayDeque<>();
        Deque<Integer> states = new ArrayDeque<>();
        BitSet linearized = new BitSet(ops.size());
        int state = initial;
        Entry entry = head.next;
        long explored = 0;
        while (head.next != null) {
            if (++explored > budget) {
                return Result.GAVE_UP;
            }
            if (entry.call) {
                int next = model.step(state, entry.op);
                if (next != Integer.MIN_VALUE) {
                    BitSet after = (BitSet) linearized.clone();
                    after.set(entry.index);
                    if (seen.add(new Memo(after, next))) {
                        stack.push(entry);
                        states.push(state);
                        state = next;
                        linearized = after;
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // reached the return of an operation not yet linearized: undo the last choice
                if (stack.isEmpty()) {
                    return Result.NOT_LINEARIZABLE;
                }
                Entry undone = stack.pop();
                state = states.pop();
                linearized = (BitSet) linearized.clone();
                linearized.clear(undone.index);
                unlift(undone);
                entry = undone.next;
            }
        }
        return Result.LINEARIZABLE;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }
}
