package dev.qnf.api.json;

import java.util.List;
import java.util.Map;

/** A Kubernetes label selector: {@code matchLabels} and {@code matchExpressions}; both absent selects everything. */
public record SelectorView(Map<String, String> matchLabels, List<Expression> matchExpressions) {
    /** {@code operator}: In, NotIn, Exists or DoesNotExist, as in Kubernetes. */
    public record Expression(String key, String operator, List<String> values) {
    }
}
