package dev.qnf.api.service;

import java.util.List;

/** The Raft group joined with the members' announced API URLs. {@code leader} is null while there is none. */
public record ClusterInfo(String leader, long term, long commitIndex, long appliedIndex, List<MemberInfo> members) {

    /** {@code apiAddress} is null until the server has announced itself. */
    public record MemberInfo(String id, String address, String apiAddress, String role) {
    }
}
