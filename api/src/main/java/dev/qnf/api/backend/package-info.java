/**
 * The narrow view of the replicated fabric that the API needs. The real implementation adapts
 * {@code dev.qnf.consensus.FabricReplica}; tests use an in-memory fake, so the API layer is tested without Raft.
 */
package dev.qnf.api.backend;
