package dev.qnf.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.HttpData;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Turns watch deliveries into ndjson lines: one {@link WatchMessage} per revision, or a RESYNC line. */
final class WatchLines implements WatchListener {
    private final Predicate<HttpData> write;
    private final Consumer<Throwable> fail;

    /** {@code write} returns false once the stream is closed, after which lines are dropped. */
    WatchLines(Predicate<HttpData> write, Consumer<Throwable> fail) {
        this.write = write;
        this.fail = fail;
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
        fail.accept(t);
    }

    private void line(WatchMessage message) {
        try {
            byte[] json = Json.strict().writeValueAsBytes(message);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            write.test(HttpData.wrap(line));
        } catch (JsonProcessingException e) {
            fail.accept(e);
        }
    }
}
