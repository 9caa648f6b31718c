package dev.qnf.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.stream.StreamWriter;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.json.ErrorBody;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns watch deliveries into ndjson lines: one {@link WatchMessage} per revision, or a RESYNC line.
 *
 * <p>Backpressure: after each line the delivery thread waits until the HTTP stream has taken it. A client that
 * reads slowly therefore slows its own watch, whose bounded queue in the replica turns into a RESYNC rather than
 * into memory here; a client that takes nothing for {@link #STALL_LIMIT} is disconnected and resumes on reconnect.
 */
final class WatchLines implements WatchListener {
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    private final StreamWriter<HttpData> out;
    /** Orders the last line ({@link #end}) after every line written before it, and nothing after it. */
    private final Object writes = new Object();
    private long lastRevision;
    private boolean ended;

    WatchLines(StreamWriter<HttpData> out) {
        this.out = out;
    }

    static WatchMessage.Event event(Change change) {
        if (change instanceof Change.Put put) {
            return new WatchMessage.Event(WatchMessage.Event.PUT, put.key().toString(), Views.object(put.resource()));
        }
        return new WatchMessage.Event(WatchMessage.Event.DELETE, change.key().toString(), null);
    }

    static WatchMessage resync(FabricImage image) {
        List<WatchMessage.KeyedObject> objects = image.resources().stream()
                .map(r -> new WatchMessage.KeyedObject(r.key().toString(), Views.object(r))).toList();
        return WatchMessage.resync(image.revision(), objects);
    }

    @Override
    public void onEvents(long revision, List<Change> changes) {
        line(WatchMessage.events(revision, changes.stream().map(WatchLines::event).toList()));
    }

    @Override
    public void onResync(FabricImage current) {
        line(resync(current));
    }

    @Override
    public void onError(Throwable t) {
        out.close(t);
    }

    /** Ends the stream with an ERROR line saying why (the caller was refused while it watched), from any thread. */
    void end(ApiException refused) {
        synchronized (writes) {
            if (ended) {
                return;
            }
            ended = true;
            byte[] line = bytes(WatchMessage.error(lastRevision, new ErrorBody(refused.code().name(),
                    refused.getMessage())));
            if (line != null) {
                out.tryWrite(HttpData.wrap(line));
            }
            out.close();
        }
    }

    private void line(WatchMessage message) {
        byte[] line = bytes(message);
        if (line == null) {
            return;
        }
        synchronized (writes) {
            if (ended || !out.tryWrite(HttpData.wrap(line))) {
                return; // the client is gone or refused; the subscription is being closed
            }
            lastRevision = message.revision();
        }
        try {
            out.whenConsumed().get(STALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            out.close(new TimeoutException("watch client took nothing for " + STALL_LIMIT));
        } catch (ExecutionException e) {
            // the stream ended while waiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The message as one ndjson line, or null (and the stream closed) if it cannot be encoded. */
    private byte[] bytes(WatchMessage message) {
        try {
            byte[] json = Json.strict().writeValueAsBytes(message);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            out.close(e);
            return null;
        }
    }
}
