package dev.qnf.api.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.errors.ApiException;

/**
 * Decides who the caller is and whether it may perform an operation. Throws {@link ApiException} with
 * UNAUTHENTICATED or PERMISSION_DENIED to refuse.
 *
 * <p>{@code operation} names what is asked: {@code "POST /v1/networks"} or {@code "DELETE /v1/networks/:name"} (method and route pattern) for REST,
 * {@code "qnf.v1.Networks/Create"} for gRPC.
 */
public interface AccessControl {

    Caller authenticate(ServiceRequestContext ctx);

    void authorize(Caller caller, String operation);

    /** Everyone is {@link Caller#ANONYMOUS} and may do everything; the default until mTLS and RBAC land. */
    static AccessControl allowAll() {
        return new AccessControl() {
            @Override
            public Caller authenticate(ServiceRequestContext ctx) {
                return Caller.ANONYMOUS;
            }

            @Override
            public void authorize(Caller caller, String operation) {
            }
        };
    }
}
