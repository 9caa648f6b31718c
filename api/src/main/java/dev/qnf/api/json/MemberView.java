package dev.qnf.api.json;

/** A member record as watch events show it: a control-plane server and its API URL. */
public record MemberView(String id, String apiAddress, String raftAddress) {
}
