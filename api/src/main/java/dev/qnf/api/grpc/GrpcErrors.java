package dev.qnf.api.grpc;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.google.protobuf.InvalidProtocolBufferException;
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
        InvalidProtocolBufferException badBytes = badProtobuf(t, status.getCause());
        if (badBytes != null) {
            // grpc-java's marshaller reports bytes that do not parse as INTERNAL; they are the caller's mistake
            ApiException e = Errors.classify(badBytes);
            return Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage());
        }
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

    private static InvalidProtocolBufferException badProtobuf(Throwable... failures) {
        for (Throwable f : failures) {
            for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof InvalidProtocolBufferException e) {
                    return e;
                }
            }
        }
        return null;
    }
}
