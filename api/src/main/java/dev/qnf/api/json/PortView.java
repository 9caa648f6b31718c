package dev.qnf.api.json;

/**
 * A protocol ({@code tcp} when absent; {@code udp}, {@code sctp}, {@code icmp}, {@code any}) and a port, or a range
 * {@code port}..{@code endPort}; no port means every port of the protocol.
 */
public record PortView(String protocol, Integer port, Integer endPort) {
}
