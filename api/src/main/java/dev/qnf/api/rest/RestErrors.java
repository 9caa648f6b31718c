package dev.qnf.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;
import dev.qnf.api.json.ErrorBody;
import dev.qnf.api.json.Json;

/**
 * Renders every REST failure as {@code {"code","message"}} with the code's HTTP status: exceptions from handlers
 * (as the annotated services' exception handler) and statuses Armeria produces itself, such as an unknown route
 * or an oversized body (as the server's error handler).
 */
public final class RestErrors implements ExceptionHandlerFunction, ServerErrorHandler {

    @Override
    public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
        return response(Errors.classify(cause));
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        return response(Errors.classify(cause));
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                                               RequestHeaders headers, HttpStatus status, String description,
                                               Throwable cause) {
        ApiException e = new ApiException(ApiCode.ofHttpStatus(status.code()), message(status, description, headers));
        return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body(e));
    }

    public static HttpResponse response(ApiException e) {
        return HttpResponse.of(HttpStatus.valueOf(e.code().httpStatus()), MediaType.JSON_UTF_8, body(e));
    }

    private static String message(HttpStatus status, String description, RequestHeaders headers) {
        if (description != null && !description.isBlank()) {
            return description;
        }
        return switch (status.code()) {
            case 404 -> "no such resource: " + (headers == null ? "" : headers.path());
            case 405 -> "method " + (headers == null ? "" : headers.method()) + " is not allowed here";
            case 413 -> "request body is too large";
            default -> status.reasonPhrase();
        };
    }

    static byte[] body(ApiException e) {
        try {
            return Json.strict().writeValueAsBytes(new ErrorBody(e.code().name(), e.getMessage()));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
