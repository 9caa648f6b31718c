package dev.qnf.api.json;

/**
 * A node's WireGuard advertisement on the wire (see {@code dev.qnf.api.node.NodeViews} for the domain side).
 *
 * @param endpoint       where nodes of the same site reach its WireGuard port (underlay IP:port)
 * @param publicEndpoint where nodes of other sites reach it, or null when it sits behind NAT
 * @param gateway        whether it forwards between sites
 * @param tunnelAddress  its own address inside the mesh, or null
 */
public record NodeMeshView(String endpoint, String publicEndpoint, boolean gateway, String tunnelAddress) {
}
