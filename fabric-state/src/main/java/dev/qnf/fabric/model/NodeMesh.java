package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.net.UdpEndpoint;

/**
 * How a node takes part in the WireGuard mesh, as its agent advertises it.
 *
 * @param endpoint       where nodes of the same site reach its WireGuard port (underlay IP:port)
 * @param publicEndpoint where nodes of other sites reach it, or null when it is not reachable from outside its
 *                       site (behind NAT): it then dials out and keeps the path open with keepalives
 * @param gateway        forwards between sites for pairs of nodes that cannot reach each other
 * @param tunnelAddress  the node's own address inside the mesh (a /32 or /128 in its peers' allowed IPs), or null
 */
public record NodeMesh(String endpoint, String publicEndpoint, boolean gateway, String tunnelAddress) {

    /** The same advertisement in canonical text, or an {@link InvalidInputException} naming the bad field. */
    public NodeMesh canonical() {
        String ep = endpoint == null || endpoint.isBlank() ? null : field("mesh.endpoint", endpoint);
        String pub = publicEndpoint == null || publicEndpoint.isBlank() ? null : field("mesh.publicEndpoint", publicEndpoint);
        if (ep == null) {
            throw new InvalidInputException("mesh.endpoint is required: the IP:port of the node's WireGuard listener");
        }
        if (gateway && pub == null) {
            throw new InvalidInputException("a mesh gateway needs a publicEndpoint that other sites can reach");
        }
        String tunnel = null;
        if (tunnelAddress != null && !tunnelAddress.isBlank()) {
            try {
                tunnel = IpAddress.parse(tunnelAddress).toString();
            } catch (InvalidInputException e) {
                throw new InvalidInputException("mesh.tunnelAddress: " + e.getMessage());
            }
        }
        return new NodeMesh(ep, pub, gateway, tunnel);
    }

    private static String field(String name, String value) {
        try {
            return UdpEndpoint.parse(value).toString();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(name + ": " + e.getMessage());
        }
    }
}
