package dev.qnf.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.qnf.api.json.ErrorBody;
import dev.qnf.api.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends requests to the first server that answers: on a connection error, a timeout or a 503 it moves to the
 * next, and remembers the last one that worked. Safe for QNF writes, which are idempotent by design.
 */
final class Transport {
    private final List<URI> endpoints;
    /** The client for the current identity ({@link HttpClients}), asked per request. */
    private final Supplier<HttpClient> http;
    private final Duration timeout;
    private volatile int preferred;

    Transport(List<URI> endpoints, Supplier<HttpClient> http, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is required");
        }
        this.endpoints = List.copyOf(endpoints);
        this.http = http;
        this.timeout = timeout;
    }

    List<URI> endpoints() {
        return endpoints;
    }

    /** A buffered exchange: the status and body of the first server that gives a non-503 answer. */
    HttpResponse<byte[]> send(String method, String path, Object body) {
        return failover(base -> http.get().send(request(base, method, path, body, timeout),
                HttpResponse.BodyHandlers.ofByteArray()), r -> r.statusCode() == 503, HttpResponse::body);
    }

    /**
     * Like {@link #send(String, String, Object)}, but also moves to the next server on answers {@code elsewhere}
     * accepts (a request only some servers can serve, e.g. a renewal on a server without the CA key).
     */
    HttpResponse<byte[]> send(String method, String path, Object body,
                              java.util.function.Predicate<HttpResponse<byte[]>> elsewhere) {
        return failover(base -> http.get().send(request(base, method, path, body, timeout),
                HttpResponse.BodyHandlers.ofByteArray()), r -> r.statusCode() == 503 || elsewhere.test(r),
                HttpResponse::body);
    }

    /** A streamed exchange (no overall timeout): the body is read as it arrives. */
    HttpResponse<InputStream> stream(String path) {
        return failover(base -> http.get().send(request(base, "GET", path, null, null),
                HttpResponse.BodyHandlers.ofInputStream()), r -> r.statusCode() == 503, r -> drain(r.body()));
    }

    interface Exchange<R> {
        R send(URI base) throws IOException, InterruptedException;
    }

    private <B> HttpResponse<B> failover(Exchange<HttpResponse<B>> exchange,
                                         java.util.function.Predicate<HttpResponse<B>> unavailable,
                                         Function<HttpResponse<B>, byte[]> body) {
        QnfApiException last = null;
        int start = preferred;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            URI base = endpoints.get(index);
            try {
                HttpResponse<B> response = exchange.send(base);
                if (unavailable.test(response)) {
                    last = error(response.statusCode(), body.apply(response));
                    continue;
                }
                preferred = index;
                return response;
            } catch (IOException e) {
                last = new QnfApiException(503, "UNAVAILABLE", "cannot reach " + base + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QnfApiException(503, "UNAVAILABLE", "interrupted", e);
            }
        }
        throw last;
    }

    private static HttpRequest request(URI base, String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("accept", "application/json");
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofByteArray(json(body)));
        }
        return b.build();
    }

    private static byte[] json(Object body) {
        try {
            return Json.lenient().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }

    /** The typed exception for an error answer, from its JSON body when it has one. */
    static QnfApiException error(int status, byte[] body) {
        try {
            ErrorBody e = Json.lenient().readValue(body, ErrorBody.class);
            if (e != null && e.code() != null) {
                return new QnfApiException(status, e.code(), e.message());
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through
        }
        String text = body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return new QnfApiException(status, status == 503 ? "UNAVAILABLE" : "HTTP_" + status,
                text.length() > 200 ? text.substring(0, 200) : text);
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            return in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // The commonest cause of a connection that never works is trust, not the network: say so. Under TLS 1.3 the
        // server judges the client's certificate after the client has finished its handshake, so its refusal reaches
        // the client as an alert if the client reads it in time, and otherwise as a connection closed unanswered.
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS handshake failed: " + message;
        }
        return message.contains("received no bytes")
                ? message + " (the server closed the connection without answering, as it does when it does not trust"
                        + " the client certificate's CA)"
                : message;
    }
}
