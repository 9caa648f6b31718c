package dev.qnf.api.json;

/** Body of {@code POST /v1/cluster/members}: the new server's id and Raft address (host:port). */
public record AddMemberRequest(String id, String address) {
}
