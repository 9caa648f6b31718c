package dev.qnf.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Json#withSortedFields}: the canonical form the state hash and the chaos watch logs compare. */
class JsonSortedFieldsTest {
    @Test
    void objectsAtEveryDepthAreInNameOrderArraysKeepTheirOrder() throws Exception {
        JsonNode node = Json.lenient().readTree("""
                {"name":"n","labels":{"zone":"b","app":"web"},"ports":[{"z":1,"a":2},3,1],"cidr":"10.0.0.0/24"}""");
        assertThat(Json.withSortedFields(node).toString()).isEqualTo(
                "{\"cidr\":\"10.0.0.0/24\",\"labels\":{\"app\":\"web\",\"zone\":\"b\"},\"name\":\"n\","
                        + "\"ports\":[{\"z\":1,\"a\":2},3,1]}");
    }

    @Test
    void twoOrdersOfTheSameObjectGiveTheSameForm() throws Exception {
        JsonNode one = Json.lenient().readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
        JsonNode other = Json.lenient().readTree("{\"b\":{\"d\":3,\"c\":2},\"a\":1}");
        assertThat(Json.withSortedFields(one).toString()).isEqualTo(Json.withSortedFields(other).toString());
        assertThat(Json.withSortedFields(Json.lenient().readTree("\"text\"")).asText()).isEqualTo("text");
    }
}
