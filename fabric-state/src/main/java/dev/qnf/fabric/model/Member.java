package dev.qnf.fabric.model;

/** A control-plane server as clients see it: its Raft id, API URL and Raft address. */
public record Member(String id, String apiAddress, String raftAddress) implements Resource {
    public static ResourceKey keyOf(String id) {
        return new ResourceKey(ResourceKey.MEMBER, id);
    }

    @Override
    public ResourceKey key() {
        return keyOf(id);
    }
}
