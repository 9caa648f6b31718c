package dev.qnf.api.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads an ndjson stream on a background thread so that tests can wait for lines with a timeout. */
public final class NdjsonReader implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

    public NdjsonReader(String url) {
        this(CLIENT, url);
    }

    /** Over {@code client} (e.g. one presenting a client certificate). */
    public NdjsonReader(HttpClient client, String url) {
        try {
            response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // closed
            } finally {
                ended.complete(null);
            }
        }, "ndjson-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("content-type").orElse("");
    }

    public JsonNode next(Duration timeout) {
        try {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("no watch line within " + timeout);
            }
            return Http.parse(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Completes when the stream has ended (by the server or by {@link #close()}); every line is queued by then. */
    public java.util.concurrent.CompletableFuture<Void> ended() {
        return ended;
    }

    /** The lines not yet taken, without waiting. */
    public java.util.List<JsonNode> drain() {
        java.util.List<String> left = new java.util.ArrayList<>();
        lines.drainTo(left);
        return left.stream().map(Http::parse).toList();
    }

    public JsonNode next() {
        return next(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // best effort
        }
        reader.interrupt();
    }
}
