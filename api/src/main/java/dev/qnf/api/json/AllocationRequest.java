package dev.qnf.api.json;

/** Body of {@code POST /v1/networks/{name}/allocations}; {@code node} and {@code ip} are optional. */
public record AllocationRequest(String endpoint, String node, String ip) {
    public static AllocationRequest of(String endpoint) {
        return new AllocationRequest(endpoint, null, null);
    }
}
