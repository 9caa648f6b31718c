package dev.qnf.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import dev.qnf.fabric.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one mapping from any failure to an {@link ApiException}. Both the REST and the gRPC surface use it. */
public final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    public static ApiException classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException e) {
            return e;
        }
        if (t instanceof InvalidInputException e) {
            return ApiException.invalid(e.getMessage());
        }
        if (t instanceof InvalidProtocolBufferException e) {
            return ApiException.invalid("request is not a valid protobuf message: " + e.getMessage());
        }
        if (t instanceof JsonProcessingException e) {
            return ApiException.invalid(JsonErrors.describe(e));
        }
        if (t instanceof HttpStatusException e) {
            // Statuses Armeria decides itself: an early-rejected large body, a bad request line, ...
            if (e.getCause() instanceof ContentTooLargeException tooLarge) {
                return classify(tooLarge);
            }
            return new ApiException(ApiCode.ofHttpStatus(e.httpStatus().code()), e.httpStatus().reasonPhrase());
        }
        if (t instanceof ContentTooLargeException e) {
            return new ApiException(ApiCode.PAYLOAD_TOO_LARGE, "request body is larger than "
                    + e.maxContentLength() + " bytes");
        }
        if (t instanceof TimeoutException || t instanceof RequestTimeoutException) {
            return ApiException.unavailable("the cluster did not answer in time; retry", t);
        }
        if (t instanceof IllegalArgumentException e) {
            // Parameter conversion (e.g. ?stale=maybe) and other argument checks from the HTTP framework.
            return ApiException.invalid(e.getMessage() == null ? "invalid argument" : e.getMessage());
        }
        log.warn("internal error in {}", RequestContext.currentOrNull(), t);
        return new ApiException(ApiCode.INTERNAL, "internal error: " + t.getClass().getSimpleName(), t);
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
