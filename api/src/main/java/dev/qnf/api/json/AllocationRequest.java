package dev.qnf.api.json;

import java.util.Map;

/**
 * Body of {@code POST /v1/networks/{name}/allocations}. Only {@code endpoint} is required: {@code node} picks the
 * node-affine block, {@code ip} asks for one address. The runtime attachment ({@code containerId}, {@code ifName},
 * {@code mac}, {@code labels}) may come with the allocation or in a later call for the same endpoint; without a
 * {@code mac} the server derives one from the IPv4 address.
 */
public record AllocationRequest(String endpoint, String node, String ip, String containerId, String ifName,
                                String mac, Map<String, String> labels) {

    public AllocationRequest(String endpoint, String node, String ip) {
        this(endpoint, node, ip, null, null, null, null);
    }

    public static AllocationRequest of(String endpoint) {
        return new AllocationRequest(endpoint, null, null);
    }
}
