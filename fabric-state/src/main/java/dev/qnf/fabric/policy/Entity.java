package dev.qnf.fabric.policy;

/**
 * Peers that are not endpoints. {@code WORLD} is every address that is not a QNF endpoint (the outside);
 * {@code HOST} is the node an endpoint runs on (its own addresses, not the resolver, which is always allowed).
 */
public enum Entity {
    WORLD,
    HOST
}
