package dev.qnf.api.node;

import dev.qnf.api.json.NodeMeshView;
import dev.qnf.api.json.NodeView;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.NodeMesh;

/**
 * The one translation between the node's wire form and the domain, shared by the server (REST) and the clients that
 * compute on nodes (the agent's mesh, {@code qnf mesh status}). It lives apart from {@code json} so that the wire
 * model stays free of the domain, as {@code LayeringTest} requires.
 */
public final class NodeViews {
    private NodeViews() {
    }

    public static NodeMeshView toWire(NodeMesh mesh) {
        return mesh == null ? null
                : new NodeMeshView(mesh.endpoint(), mesh.publicEndpoint(), mesh.gateway(), mesh.tunnelAddress());
    }

    public static NodeMesh toDomain(NodeMeshView mesh) {
        return mesh == null ? null
                : new NodeMesh(mesh.endpoint(), mesh.publicEndpoint(), mesh.gateway(), mesh.tunnelAddress());
    }

    public static Node toDomain(NodeView v) {
        return new Node(v.name(), v.site(), v.addresses(), v.publicKey(), v.leaseExpiresAtMillis(), toDomain(v.mesh()));
    }
}
