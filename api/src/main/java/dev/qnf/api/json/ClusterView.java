package dev.qnf.api.json;

import java.util.List;

/** {@code GET /v1/cluster}. {@code leader} is absent while there is none. */
public record ClusterView(String leader, long term, long commitIndex, long appliedIndex, List<Peer> members) {

    /** A Raft group member; {@code apiAddress} is absent until the server has announced itself. */
    public record Peer(String id, String address, String apiAddress, String role) {
    }
}
