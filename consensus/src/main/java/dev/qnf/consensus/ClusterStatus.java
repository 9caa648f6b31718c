package dev.qnf.consensus;

import java.util.List;

/**
 * One replica's view of the Raft group.
 *
 * @param leaderId null while no leader is known
 */
public record ClusterStatus(String leaderId, long term, long commitIndex, long appliedIndex, List<Member> members) {
    public ClusterStatus {
        members = List.copyOf(members);
    }

    public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, UNKNOWN }

    /** A server in the current configuration; roles of others are as far as this replica can tell. */
    public record Member(String id, String raftAddress, Role role) {
    }
}
