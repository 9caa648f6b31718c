package dev.qnf.api.backend;

import java.util.List;

/** The Raft group as this server sees it. {@code leaderId} is null while there is no leader. */
public record ClusterState(String leaderId, long term, long commitIndex, long appliedIndex, List<Peer> members) {
    public ClusterState {
        members = List.copyOf(members);
    }

    /** {@code role}: LEADER, FOLLOWER, CANDIDATE, LISTENER or UNKNOWN. */
    public record Peer(String id, String raftAddress, String role) {
    }

    public boolean hasMember(String id) {
        return members.stream().anyMatch(p -> p.id().equals(id));
    }
}
