package dev.qnf.api.json;

/** An IPAM block, as watch events show it; {@code node} is absent for the cluster pool. */
public record BlockView(String network, String cidr, String node) {
}
