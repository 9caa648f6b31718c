package dev.qnf.api.grpc;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/** Maps every failure a gRPC handler reports to the status of its {@link dev.qnf.api.errors.ApiCode}. */
public final class GrpcErrors implements GrpcExceptionHandlerFunction {

    @Override
    public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
        Throwable t = Errors.unwrap(cause);
        if (t instanceof StatusRuntimeException || t instanceof StatusException) {
            return status;
        }
        if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && !(t instanceof ApiException)) {
            return status; // gRPC's own message-size limit
        }
        if (status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return status;
        }
        if (t instanceof ClosedStreamException || t instanceof CancelledSubscriptionException
                || t instanceof AbortedStreamException) {
            return Status.CANCELLED.withDescription("the client went away");
        }
        ApiException e = Errors.classify(t);
        return Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage());
    }
}
