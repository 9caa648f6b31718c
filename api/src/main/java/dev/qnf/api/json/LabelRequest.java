package dev.qnf.api.json;

import java.util.List;
import java.util.Map;

/** Body of {@code POST /v1/networks/{name}/allocations/{endpoint}/labels}: labels to set and keys to remove. */
public record LabelRequest(Map<String, String> set, List<String> remove) {
}
