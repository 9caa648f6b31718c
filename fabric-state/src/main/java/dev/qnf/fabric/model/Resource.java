package dev.qnf.fabric.model;

/** Everything the fabric stores. Each resource has one key; the key alone identifies it in the store and in events. */
public sealed interface Resource permits Network, Endpoint, Node, Block, Member, Policy, Identity,
        PolicyDefault, JoinToken, AuditEntry, Revocation, UserRevocation, SiteBinding, CaRotation {
    ResourceKey key();
}
