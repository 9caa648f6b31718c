package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One Kubernetes-style {@code matchExpressions} item: {@code key In/NotIn (values)}, {@code Exists}, {@code DoesNotExist}. */
public record Requirement(String key, Operator operator, List<String> values) {
    public enum Operator {
        IN,
        NOT_IN,
        EXISTS,
        DOES_NOT_EXIST
    }

    public Requirement {
        Objects.requireNonNull(operator, "operator");
        Names.labelKey(key);
        values = values == null ? List.of() : List.copyOf(values);
        values.forEach(v -> Names.labels(Map.of(key, v)));
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
            throw new InvalidInputException("selector requirement on '" + key + "': " + operator + " needs values");
        }
        if (!needsValues && !values.isEmpty()) {
            throw new InvalidInputException("selector requirement on '" + key + "': " + operator + " takes no values");
        }
    }

    /** Kubernetes semantics: NotIn and DoesNotExist match labels without the key. */
    public boolean matches(Map<String, String> labels) {
        String v = labels.get(key);
        return switch (operator) {
            case IN -> v != null && values.contains(v);
            case NOT_IN -> v == null || !values.contains(v);
            case EXISTS -> v != null;
            case DOES_NOT_EXIST -> v == null;
        };
    }

    @Override
    public String toString() {
        return switch (operator) {
            case IN -> values.size() == 1 ? key + "=" + values.get(0) : key + " in (" + String.join(",", values) + ")";
            case NOT_IN -> values.size() == 1 ? key + "!=" + values.get(0) : key + " notin (" + String.join(",", values) + ")";
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
        };
    }
}
