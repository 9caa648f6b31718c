package dev.qnf.api.auth;

import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.pki.Role;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Role-based access: the one place that decides which role may perform which operation. Operations are named as
 * {@link AccessControl} names them ({@code "POST /v1/networks"}, {@code "qnf.v1.Networks/Create"}). Routes not
 * listed (added later) fall back on their method: GET is a read, anything else a write, so a new write route is
 * never open to viewers by accident.
 */
public final class Authorizer {
    private static final Map<Role, Set<Permission>> GRANTS = Map.of(
            Role.ADMIN, EnumSet.allOf(Permission.class),
            Role.OPERATOR, EnumSet.of(Permission.READ, Permission.WRITE, Permission.AUDIT, Permission.RENEW),
            Role.VIEWER, EnumSet.of(Permission.READ, Permission.AUDIT, Permission.RENEW),
            Role.NODE, EnumSet.of(Permission.READ, Permission.WRITE, Permission.RENEW),
            Role.SERVER, EnumSet.of(Permission.READ, Permission.CLUSTER, Permission.RENEW));

    /** Operations whose permission is not what their method suggests. */
    private static final Map<String, Permission> EXPLICIT = Map.ofEntries(
            Map.entry("POST /v1/cluster/members", Permission.CLUSTER),
            Map.entry("DELETE /v1/cluster/members/:id", Permission.CLUSTER),
            Map.entry("POST /v1/cluster/leader", Permission.CLUSTER),
            Map.entry("POST /v1/cluster/snapshot", Permission.CLUSTER),
            Map.entry("qnf.v1.Cluster/AddMember", Permission.CLUSTER),
            Map.entry("qnf.v1.Cluster/RemoveMember", Permission.CLUSTER),
            Map.entry("qnf.v1.Cluster/TransferLeader", Permission.CLUSTER),
            Map.entry("qnf.v1.Cluster/Snapshot", Permission.CLUSTER),
            Map.entry("POST /v1/tokens", Permission.SECURITY),
            Map.entry("GET /v1/tokens", Permission.SECURITY),
            Map.entry("DELETE /v1/tokens/:id", Permission.SECURITY),
            Map.entry("POST /v1/nodes/:name/revoke", Permission.SECURITY),
            Map.entry("DELETE /v1/nodes/:name/revoke", Permission.SECURITY),
            Map.entry("POST /v1/users/:name/revoke", Permission.SECURITY),
            Map.entry("DELETE /v1/users/:name/revoke", Permission.SECURITY),
            Map.entry("POST /v1/ca/rotate", Permission.SECURITY),
            Map.entry("POST /v1/ca/retire-old", Permission.SECURITY),
            Map.entry("GET /v1/audit", Permission.AUDIT),
            Map.entry("qnf.v1.Policies/Explain", Permission.READ),
            Map.entry("POST /v1/certificates/renew", Permission.RENEW));

    /**
     * Node-scoped writes: a node may perform these on itself only (which node: {@link NodeRestriction}). REST only:
     * the agent speaks REST, and keeping nodes off gRPC writes keeps the restriction in one place.
     */
    private static final Set<String> NODE_WRITES = Set.of(
            "PUT /v1/nodes/:name", "DELETE /v1/nodes/:name",
            "POST /v1/networks/:name/allocations", "DELETE /v1/networks/:name/allocations/:endpoint",
            "POST /v1/networks/:name/allocations/:endpoint/labels");

    public static Permission permission(String operation) {
        Permission explicit = EXPLICIT.get(operation);
        if (explicit != null) {
            return explicit;
        }
        int slash = operation.indexOf('/');
        int space = operation.indexOf(' ');
        if (space > 0 && space < slash) {   // REST: "METHOD /route"
            String method = operation.substring(0, space);
            return method.equals("GET") || method.equals("HEAD") ? Permission.READ : Permission.WRITE;
        }
        String rpc = operation.substring(slash + 1);   // gRPC: "pkg.Service/Method"
        return rpc.startsWith("Get") || rpc.startsWith("List") || rpc.equals("Watch") || rpc.equals("Status")
                ? Permission.READ : Permission.WRITE;
    }

    /** Whether {@code operation} is a write a node may do on its own records. */
    public static boolean nodeScoped(String operation) {
        return NODE_WRITES.contains(operation);
    }

    /** Throws PERMISSION_DENIED unless one of the caller's roles grants what {@code operation} needs. */
    public void authorize(Caller caller, String operation) {
        Permission needed = permission(operation);
        for (String label : caller.roles()) {
            Role role;
            try {
                role = Role.parse(label);
            } catch (RuntimeException unknown) {
                continue;
            }
            if (!GRANTS.get(role).contains(needed)) {
                continue;
            }
            if (role == Role.NODE && needed == Permission.WRITE && !nodeScoped(operation)) {
                continue;   // a node writes only its own node record and endpoints
            }
            return;
        }
        throw new ApiException(ApiCode.PERMISSION_DENIED, caller.principal() + " (" + String.join(",", caller.roles())
                + ") may not " + operation);
    }
}
