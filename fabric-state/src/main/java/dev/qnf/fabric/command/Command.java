package dev.qnf.fabric.command;

/**
 * A request to change the fabric, as it travels through the Raft log. Every command is checked for what can be
 * checked without state when it is constructed, so a malformed one cannot be built, let alone logged.
 */
public sealed interface Command
        permits CreateNetwork, DeleteNetwork, Allocate, Release, RegisterNode, RemoveNode, AnnounceMember,
        RemoveMember, ApplyPolicies, DeletePolicy, LabelEndpoint, CreateToken, RedeemToken, DeleteToken, Attributed,
        RevokeNode, RevokeUser, UnrevokeNode, UnrevokeUser, PruneExpiredToken, RotateCa, RetireOldCa {
}
