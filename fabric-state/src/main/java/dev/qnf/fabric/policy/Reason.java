package dev.qnf.fabric.policy;

/**
 * Why one direction of a flow got its verdict: a deny rule, an allow rule, or the default. {@code policy} is
 * {@code namespace/name} and {@code rule} the rule's index in that policy's ingress or egress list (both absent,
 * null and -1, for defaults). {@code endpoint} is the side whose policy decided (the sender for egress, the receiver
 * for ingress).
 */
public record Reason(Direction direction, String endpoint, Verdict verdict, String policy, int rule, String text) {
    @Override
    public String toString() {
        return direction.name().toLowerCase() + " at " + endpoint + ": " + verdict.name().toLowerCase()
                + (policy == null ? "" : " by " + policy + " " + direction.name().toLowerCase() + "[" + rule + "]")
                + " (" + text + ")";
    }
}
