package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Output;

/**
 * A network as a register: state 0 is "absent", v > 0 (or the unlabelled setup version, mapped to
 * {@link #UNLABELLED}) is "exists at spec version v". What each operation may answer from each state:
 * <ul>
 *   <li>create(v): absent → v, answers created; v → v, answers not created (identical retry); other → same, refused
 *   ALREADY_EXISTS;</li>
 *   <li>delete: present → absent, answers OK; absent → absent, refused NOT_FOUND;</li>
 *   <li>get: answers the state (404 for absent), changes nothing.</li>
 * </ul>
 * An operation with an unknown outcome may take effect with any answer.
 */
final class RegisterModel {
    static final int ABSENT = 0;
    static final int UNLABELLED = -1;

    private RegisterModel() {
    }

    /** The next state, or {@link Integer#MIN_VALUE} when {@code op} cannot have answered what it did from {@code state}. */
    static int step(int state, Operation op) {
        boolean unknown = op.outcome() == Outcome.UNKNOWN;
        Output out = op.output();
        switch (op.kind()) {
            case NET_CREATE -> {
                int v = version(((Input.NetCreate) op.input()).version());
                if (unknown) {
                    return state == ABSENT ? v : state;
                }
                if (op.ok()) {
                    boolean created = ((Output.NetState) out).created();
                    return created ? (state == ABSENT ? v : Integer.MIN_VALUE) : (state == v ? v : Integer.MIN_VALUE);
                }
                return refusal(out, "ALREADY_EXISTS") && state != ABSENT && state != v ? state : Integer.MIN_VALUE;
            }
            case NET_DELETE -> {
                if (unknown) {
                    return ABSENT;
                }
                if (op.ok()) {
                    return state != ABSENT ? ABSENT : Integer.MIN_VALUE;
                }
                return refusal(out, "NOT_FOUND") && state == ABSENT ? ABSENT : Integer.MIN_VALUE;
            }
            case NET_GET -> {
                Integer seen = ((Output.NetState) out).version();
                int observed = seen == null ? ABSENT : version(seen);
                return observed == state ? state : Integer.MIN_VALUE;
            }
            default -> throw new IllegalArgumentException("not a register operation: " + op);
        }
    }

    /** Operations that say something about the register: reads that answered, writes not known to have failed to send. */
    static boolean relevant(Operation op) {
        if (op.kind() != Kind.NET_CREATE && op.kind() != Kind.NET_DELETE && op.kind() != Kind.NET_GET) {
            return false;
        }
        if (op.kind() == Kind.NET_GET) {
            return op.ok();
        }
        if (op.outcome() == Outcome.FAIL) {
            return op.output() instanceof Output.Refused r
                    && (r.code().equals("ALREADY_EXISTS") || r.code().equals("NOT_FOUND"));
        }
        return true;
    }

    private static boolean refusal(Output out, String code) {
        return out instanceof Output.Refused r && r.code().equals(code);
    }

    private static int version(int v) {
        return v == 0 ? UNLABELLED : v;
    }

    static String describe(int state) {
        return state == ABSENT ? "absent" : state == UNLABELLED ? "v0" : "v" + state;
    }
}
