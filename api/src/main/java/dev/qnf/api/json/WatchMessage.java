package dev.qnf.api.json;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One line of the watch stream. Either a revision's events ({@code type} absent), or, when the requested revision
 * was compacted, {@code type} RESYNC with every object at {@code revision}; changes then follow from revision + 1.
 * The server may end a stream with {@code type} ERROR and an {@code error} (the caller's node was revoked, its
 * certificate expired: the same code and message a new request would get); {@code revision} is then the last one
 * sent, and nothing follows.
 */
public record WatchMessage(String type, long revision, List<Event> events, List<KeyedObject> objects,
                           ErrorBody error) {
    public static final String RESYNC = "RESYNC";
    public static final String ERROR = "ERROR";

    public static WatchMessage events(long revision, List<Event> events) {
        return new WatchMessage(null, revision, events, null, null);
    }

    public static WatchMessage resync(long revision, List<KeyedObject> objects) {
        return new WatchMessage(RESYNC, revision, null, objects, null);
    }

    /** The stream's last line: why the server ended it. */
    public static WatchMessage error(long lastRevision, ErrorBody error) {
        return new WatchMessage(ERROR, lastRevision, null, null, error);
    }

    @JsonIgnore
    public boolean isResync() {
        return RESYNC.equals(type);
    }

    /** Whether this is the ERROR line that ends the stream (not named isError: Jackson would take it for the field). */
    @JsonIgnore
    public boolean endsStream() {
        return ERROR.equals(type);
    }

    /** A change: {@code type} PUT or DELETE, {@code key} kind/name, {@code object} absent for DELETE. */
    public record Event(String type, String key, JsonNode object) {
        public static final String PUT = "PUT";
        public static final String DELETE = "DELETE";

        /** The key's kind: network, endpoint, node, block or member. */
        @JsonIgnore
        public String kind() {
            return key.substring(0, key.indexOf('/'));
        }

        /** The object read as one of the views ({@link NetworkView}, {@link AllocationView}, ...). */
        public <T> T objectAs(Class<T> type) {
            return object == null ? null : Json.lenient().convertValue(object, type);
        }
    }

    public record KeyedObject(String key, JsonNode object) {
        public <T> T objectAs(Class<T> type) {
            return Json.lenient().convertValue(object, type);
        }
    }
}
