package dev.qnf.api.errors;

import dev.qnf.api.json.Json;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.state.ErrorCode;
import dev.qnf.fabric.state.Reply;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The one mapping, as a table. */
class ErrorsTest {

    @Test
    void everyStateMachineRefusalHasOneHttpAndOneGrpcStatus() {
        assertThat(map(ErrorCode.INVALID_ARGUMENT)).isEqualTo("400 INVALID_ARGUMENT");
        assertThat(map(ErrorCode.NOT_FOUND)).isEqualTo("404 NOT_FOUND");
        assertThat(map(ErrorCode.ALREADY_EXISTS)).isEqualTo("409 ALREADY_EXISTS");
        assertThat(map(ErrorCode.FAILED_PRECONDITION)).isEqualTo("409 FAILED_PRECONDITION");
        assertThat(map(ErrorCode.RESOURCE_EXHAUSTED)).isEqualTo("409 RESOURCE_EXHAUSTED");
    }

    private static String map(ErrorCode code) {
        ApiException e = Errors.classify(new CompletionException(ApiException.rejected(new Reply.Rejected(code, "m"))));
        assertThat(e.code().grpcCode()).isEqualTo(Status.Code.valueOf(code.name()));
        return e.code().httpStatus() + " " + e.code().name();
    }

    @Test
    void badInputAndParseErrorsAreInvalidArgument() {
        assertThat(Errors.classify(new InvalidInputException("bad")).code()).isEqualTo(ApiCode.INVALID_ARGUMENT);
        Throwable parse = catchThrowable(() -> Json.strict().readValue("{\"nmae\":1}", NetworkRequest.class));
        ApiException e = Errors.classify(parse);
        assertThat(e.code()).isEqualTo(ApiCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).isEqualTo("unknown field 'nmae'");
    }

    @Test
    void timeoutsAreUnavailableAndSurprisesAreInternal() {
        assertThat(Errors.classify(new CompletionException(new TimeoutException())).code()).isEqualTo(ApiCode.UNAVAILABLE);
        assertThat(Errors.classify(new IllegalStateException("bug")).code()).isEqualTo(ApiCode.INTERNAL);
        assertThat(Errors.classify(new IOException("?")).code()).isEqualTo(ApiCode.INTERNAL);
    }

    @Test
    void statusesArmeriaProducesMapToCodes() {
        assertThat(ApiCode.ofHttpStatus(404)).isEqualTo(ApiCode.NOT_FOUND);
        assertThat(ApiCode.ofHttpStatus(405)).isEqualTo(ApiCode.METHOD_NOT_ALLOWED);
        assertThat(ApiCode.ofHttpStatus(413)).isEqualTo(ApiCode.PAYLOAD_TOO_LARGE);
        assertThat(ApiCode.ofHttpStatus(415)).isEqualTo(ApiCode.INVALID_ARGUMENT);
        assertThat(ApiCode.ofHttpStatus(504)).isEqualTo(ApiCode.UNAVAILABLE);
    }
}
