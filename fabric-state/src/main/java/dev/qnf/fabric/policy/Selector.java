package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A label selector with Kubernetes' meaning: every {@code matchLabels} pair and every requirement must hold; the
 * empty selector matches everything.
 */
public record Selector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public static final Selector ALL = new Selector(Map.of(), List.of());

    public Selector {
        matchLabels = Names.labels(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    public static Selector labels(Map<String, String> labels) {
        return new Selector(labels, List.of());
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Whether this is the empty selector, which matches every label set. */
    public boolean matchesAll() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /**
     * The command-line form: comma-separated {@code k=v}, {@code k!=v}, {@code k} (exists) and {@code !k}
     * (does not exist); empty text is the empty selector.
     */
    public static Selector parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        Map<String, String> eq = new LinkedHashMap<>();
        List<Requirement> reqs = new ArrayList<>();
        for (String raw : text.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new InvalidInputException("selector '" + text + "' has an empty item");
            }
            int ne = item.indexOf("!=");
            int eqAt = item.indexOf('=');
            if (ne > 0) {
                reqs.add(new Requirement(item.substring(0, ne).trim(), Requirement.Operator.NOT_IN,
                        List.of(item.substring(ne + 2).trim())));
            } else if (eqAt > 0) {
                String k = item.substring(0, eqAt).trim();
                String v = item.substring(eqAt + 1).trim();
                if (eq.containsKey(k) && !eq.get(k).equals(v)) {
                    throw new InvalidInputException("selector '" + text + "' asks for two values of '" + k + "'");
                }
                eq.put(k, v);
            } else if (item.startsWith("!")) {
                reqs.add(new Requirement(item.substring(1).trim(), Requirement.Operator.DOES_NOT_EXIST, List.of()));
            } else if (eqAt < 0) {
                reqs.add(new Requirement(item, Requirement.Operator.EXISTS, List.of()));
            } else {
                throw new InvalidInputException("selector item '" + item + "' is not k=v, k!=v, k or !k");
            }
        }
        return new Selector(eq, reqs);
    }

    @Override
    public String toString() {
        if (matchesAll()) {
            return "{}";
        }
        StringJoiner j = new StringJoiner(",");
        new TreeMap<>(matchLabels).forEach((k, v) -> j.add(k + "=" + v));
        matchExpressions.forEach(r -> j.add(r.toString()));
        return j.toString();
    }
}
