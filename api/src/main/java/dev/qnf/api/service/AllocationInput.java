package dev.qnf.api.service;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.net.IpAddress;

import java.util.Map;

/** An allocation request; all but {@code network} and {@code endpoint} are optional. */
public record AllocationInput(String network, String endpoint, String node, String ip, String containerId,
                              String ifName, String mac, Map<String, String> labels) {

    public AllocationInput(String network, String endpoint, String node, String ip) {
        this(network, endpoint, node, ip, null, null, null, null);
    }

    Allocate toCommand() {
        IpAddress requested = blank(ip) ? null : IpAddress.parse(ip);
        String onNode = blank(node) ? null : node;
        boolean attached = !blank(containerId) || !blank(ifName) || !blank(mac) || (labels != null && !labels.isEmpty());
        Attachment attachment = attached ? new Attachment(blank(containerId) ? null : containerId,
                blank(ifName) ? null : ifName, blank(mac) ? null : mac, labels) : null;
        return new Allocate(network, endpoint, onNode, requested, attachment);
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
