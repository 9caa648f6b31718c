package dev.qnf.fabric.policy;

/** Which way a rule looks: ingress rules name who may send to the selected endpoints, egress rules where they may send. */
public enum Direction {
    INGRESS,
    EGRESS
}
