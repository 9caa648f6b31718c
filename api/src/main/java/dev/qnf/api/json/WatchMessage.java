package dev.qnf.api.json;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One line of the watch stream. Either a revision's events ({@code type} absent), or, when the requested revision
 * was compacted, {@code type} RESYNC with every object at {@code revision}; changes then follow from revision + 1.
 */
public record WatchMessage(String type, long revision, List<Event> events, List<KeyedObject> objects) {
    public static final String RESYNC = "RESYNC";

    public static WatchMessage events(long revision, List<Event> events) {
        return new WatchMessage(null, revision, events, null);
    }

    public static WatchMessage resync(long revision, List<KeyedObject> objects) {
        return new WatchMessage(RESYNC, revision, null, objects);
    }

    @JsonIgnore
    public boolean isResync() {
        return RESYNC.equals(type);
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
