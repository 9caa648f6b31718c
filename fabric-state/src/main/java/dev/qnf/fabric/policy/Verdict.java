package dev.qnf.fabric.policy;

/** Allow or deny: a rule's action, a network's default, a test's expectation and the answer of an evaluation. */
public enum Verdict {
    ALLOW,
    DENY
}
