package dev.qnf.api.errors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.stream.Collectors;

/** Turns Jackson's exceptions into short messages that name the offending field and hide Java types. */
final class JsonErrors {
    private JsonErrors() {
    }

    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String where = parentPath(u);
            return "unknown field '" + u.getPropertyName() + "'" + (where.isEmpty() ? "" : " in '" + where + "'");
        }
        if (e instanceof StreamConstraintsException) {
            return "request body is nested too deeply or has an oversized value";
        }
        if (e instanceof JsonParseException p) {
            String msg = p.getOriginalMessage();
            if (msg != null && msg.contains("Duplicate field")) {
                return "duplicate field in request body: " + msg.replaceFirst("^Duplicate field ", "");
            }
            return "malformed JSON: " + firstLine(msg);
        }
        if (e instanceof MismatchedInputException m) {
            String path = path(m);
            if (path.isEmpty()) {
                return m.getOriginalMessage() != null && m.getOriginalMessage().contains("end-of-input")
                        ? "request body is empty; expected a JSON object"
                        : "request body must be a JSON object";
            }
            return "field '" + path + "' has the wrong type" + expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !path(m).isEmpty()) {
            return "field '" + path(m) + "' is invalid";
        }
        return "malformed JSON: " + firstLine(e.getOriginalMessage());
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "; expected an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "; expected true or false";
        }
        if (type == String.class) {
            return "; expected a string";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "; expected an object";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "; expected an array";
        }
        return "";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String parentPath(JsonMappingException e) {
        var refs = e.getPath();
        if (refs.size() <= 1) {
            return "";
        }
        return refs.subList(0, refs.size() - 1).stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
