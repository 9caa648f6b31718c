package dev.qnf.api.auth;

/** What an operation needs; {@link Authorizer} maps operations to these and roles to sets of them. */
public enum Permission {
    /** read state, watch, health of the cluster */
    READ,
    /** write networks, allocations, nodes (a node only its own node record and endpoints) */
    WRITE,
    /** cluster membership, leadership, snapshots */
    CLUSTER,
    /** read the audit trail (people only: not nodes or servers) */
    AUDIT,
    /** join tokens, revocation, issuing certificates for others */
    SECURITY,
    /** renew one's own certificate (every role: the new certificate has the caller's identity) */
    RENEW
}
