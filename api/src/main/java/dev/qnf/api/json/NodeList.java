package dev.qnf.api.json;

import java.util.List;

public record NodeList(List<NodeView> nodes, long revision) {
}
