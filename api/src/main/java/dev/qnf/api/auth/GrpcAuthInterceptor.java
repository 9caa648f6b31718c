package dev.qnf.api.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Runs {@link AccessControl} before every gRPC call and closes refused calls with the mapped status. */
public final class GrpcAuthInterceptor implements ServerInterceptor {
    private final AccessControl access;

    public GrpcAuthInterceptor(AccessControl access) {
        this.access = access;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        ServiceRequestContext ctx = ServiceRequestContext.current();
        try {
            Caller caller = access.authenticate(ctx);
            access.authorize(caller, call.getMethodDescriptor().getFullMethodName());
            Caller.set(ctx, caller);
        } catch (RuntimeException e) {
            ApiException refused = Errors.classify(e);
            call.close(Status.fromCode(refused.code().grpcCode()).withDescription(refused.getMessage()),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
