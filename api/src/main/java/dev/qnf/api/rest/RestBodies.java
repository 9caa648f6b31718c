package dev.qnf.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;
import dev.qnf.api.json.Json;

import java.io.IOException;

/** Strict request-body parsing and JSON responses. */
final class RestBodies {
    private RestBodies() {
    }

    /** Parses a required JSON object body; any problem is an INVALID_ARGUMENT naming the field. */
    static <T> T read(AggregatedHttpRequest req, Class<T> type) {
        try {
            T value = Json.strict().readValue(req.content().array(), type);
            if (value == null) {
                throw ApiException.invalid("request body must be a JSON object, not null");
            }
            return value;
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    /** Like {@link #read} but an empty body means {@code empty}. */
    static <T> T readOptional(AggregatedHttpRequest req, Class<T> type, T empty) {
        return req.content().isEmpty() ? empty : read(req, type);
    }

    static HttpResponse json(HttpStatus status, Object body) {
        try {
            return HttpResponse.of(status, MediaType.JSON_UTF_8, Json.strict().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
        }
    }

    static HttpResponse ok(Object body) {
        return json(HttpStatus.OK, body);
    }

    /** 201 when the call created the resource, 200 for an idempotent retry. */
    static HttpResponse written(boolean created, Object body) {
        return json(created ? HttpStatus.CREATED : HttpStatus.OK, body);
    }
}
