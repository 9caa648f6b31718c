package dev.qnf.api.service;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.net.IpAddress;

/** An allocation request; {@code node} and {@code ip} are optional. */
public record AllocationInput(String network, String endpoint, String node, String ip) {

    Allocate toCommand() {
        IpAddress requested = ip == null || ip.isEmpty() ? null : IpAddress.parse(ip);
        String onNode = node == null || node.isEmpty() ? null : node;
        return new Allocate(network, endpoint, onNode, requested);
    }
}
