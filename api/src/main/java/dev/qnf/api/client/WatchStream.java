package dev.qnf.api.client;

import dev.qnf.api.json.Json;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.concurrent.DaemonThreads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads the ndjson watch stream on its own thread, one consumer call per line, in order. When a stream breaks or
 * the server ends it with an ERROR line it resumes from the next revision, on whichever server answers, with
 * backoff; it stops on {@link #close()}, on a 4xx (e.g. 403 for a revoked node), or when the consumer throws.
 */
final class WatchStream implements Watching {
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Transport transport;
    private final Consumer<WatchMessage> consumer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Thread thread;
    /** The revision to ask for next; null asks for "from now" (only until the first line arrives). */
    private volatile Long next;
    private volatile InputStream current;

    WatchStream(Transport transport, Long from, Consumer<WatchMessage> consumer) {
        this.transport = transport;
        this.consumer = consumer;
        this.next = from;
        this.thread = DaemonThreads.thread("qnf-watch", this::run);
    }

    WatchStream start() {
        thread.start();
        return this;
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public long lastRevision() {
        Long n = next;
        return n == null ? -1 : n - 1;
    }

    private void run() {
        long backoff = 100;
        while (!done.isDone()) {
            try {
                HttpResponse<InputStream> response = transport.stream(path());
                if (response.statusCode() != 200) {
                    byte[] body;
                    try (InputStream in = response.body()) {
                        body = in.readNBytes(64 * 1024);
                    }
                    done.completeExceptionally(Transport.error(response.statusCode(), body));
                    return;
                }
                backoff = 100;
                read(response.body());
            } catch (QnfApiException | IOException e) {
                if (done.isDone()) {
                    return;
                }
                if (e instanceof QnfApiException api && api.httpStatus() / 100 == 4) {
                    done.completeExceptionally(api);   // refused before sending (our certificate has expired)
                    return;
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e); // the consumer failed
                return;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
    }

    private String path() {
        Long n = next;
        return n == null ? "/v1/watch" : "/v1/watch?from=" + n;
    }

    private void read(InputStream in) throws IOException {
        current = in;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !done.isDone()) {
                if (line.isBlank()) {
                    continue;
                }
                WatchMessage message = Json.lenient().readValue(line, WatchMessage.class);
                if (message.endsStream()) {
                    // the server ended the stream (node revoked, certificate expired): ask again, on a new
                    // connection if the certificate was renewed, and a refusal then ends this watch with its reason
                    return;
                }
                consumer.accept(message);
                next = message.revision() + 1;
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.complete(null);
        }
    }

    @Override
    public void close() {
        done.complete(null);
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
        thread.interrupt();
    }
}
