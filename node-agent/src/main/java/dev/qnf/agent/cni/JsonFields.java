package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Typed reads from CNI JSON: a field of the wrong type is a decoding error (code 6), never a default. */
final class JsonFields {
    static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxStringLength(1 << 20).build());
    }

    private JsonFields() {
    }

    static JsonNode parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw CniError.decode(what + " is empty");
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw CniError.decode(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new CniError(CniError.DECODING_FAILURE, what + " is not valid JSON", e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
        }
    }

    /** A string field, null when absent or JSON null. */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw CniError.decode("'" + field + "' must be a string");
        }
        return n.asText();
    }

    static int integer(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw CniError.config("'" + field + "' is required");
        }
        if (!n.isInt()) {
            throw CniError.decode("'" + field + "' must be an integer");
        }
        return n.asInt();
    }

    /** An object field, null when absent. */
    static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw CniError.decode("'" + field + "' must be an object");
        }
        return n;
    }

    /** An array field, empty when absent. */
    static List<JsonNode> array(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw CniError.decode("'" + field + "' must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    static List<String> strings(JsonNode parent, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(parent, field)) {
            if (!n.isTextual()) {
                throw CniError.decode("'" + field + "' must hold strings");
            }
            out.add(n.asText());
        }
        return out;
    }
}
