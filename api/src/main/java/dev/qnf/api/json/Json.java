package dev.qnf.api.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** The two JSON mappers: a strict one for what the server reads, a tolerant one for what clients read. */
public final class Json {
    /** Request bodies are small flat objects; anything deeper than this is refused while parsing. */
    public static final int MAX_NESTING_DEPTH = 16;

    private static final ObjectMapper STRICT = build(true);
    private static final ObjectMapper LENIENT = build(false);

    private Json() {
    }

    /**
     * Refuses unknown fields, duplicate keys, trailing tokens, nulls for primitives and any type coercion
     * ("1500" for a number, 1 for a boolean, 1.5 for an integer) and null elements in lists and maps, so that a
     * typo is a 400 and not a default.
     */
    public static ObjectMapper strict() {
        return STRICT;
    }

    /** Ignores unknown fields, so that an older client keeps working against a newer server. */
    public static ObjectMapper lenient() {
        return LENIENT;
    }

    /**
     * {@code node} with the fields of every object in it, nested objects included, in name order: the form in which
     * two servers' answers compare equal, as they order map keys (labels) freely. Arrays keep their order and are not
     * entered.
     */
    public static JsonNode withSortedFields(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        Map<String, JsonNode> fields = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            fields.put(f.getKey(), withSortedFields(f.getValue()));
        }
        ObjectNode out = ((ObjectNode) node).objectNode();
        fields.forEach(out::set);
        return out;
    }

    private static ObjectMapper build(boolean strict) {
        JsonMapper.Builder b = JsonMapper.builder()
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict);
        if (strict) {
            b.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        }
        ObjectMapper mapper = b.build();
        if (strict) {
            mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH).maxStringLength(64 * 1024).maxNumberLength(32).build());
            // a null element of a list or map ({"policies":[null]}) is a 400 here, not an NPE deep in a converter
            mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
            mapper.coercionConfigFor(LogicalType.Textual)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Integer)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Boolean)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Map)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Collection)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }
}
