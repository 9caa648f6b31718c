package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

import java.util.Map;
import java.util.regex.Pattern;

/** The one place that decides what a valid name, id or label is. */
public final class Names {
    /** Network names become interface and DNS names, so they are short DNS labels. */
    private static final Pattern NETWORK = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    /** Node and server names: DNS-1123 subdomains, as Kubernetes node names are. */
    private static final Pattern NODE = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    /** Endpoint ids: container ids, pod uids, or anything a runtime may use. */
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?");
    private static final int MAX_LABELS = 64;
    /** Namespaces and policy names: DNS-1123 labels and subdomains, as Kubernetes namespaces and objects are. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern POLICY = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    private Names() {
    }

    public static String network(String name) {
        return check("network name", name, NETWORK,
                "1-15 lower-case letters, digits or '-', starting and ending with a letter or digit");
    }

    public static String node(String name) {
        return check("node name", name, NODE, "a DNS name of lower-case letters, digits, '-' and '.'");
    }

    /** User names (the last segment of {@code spiffe://<cluster>/user/<name>}): the rule of node names. */
    public static String user(String name) {
        return check("user name", name, NODE, "a DNS name of lower-case letters, digits, '-' and '.'");
    }

    public static String endpoint(String id) {
        return check("endpoint id", id, ENDPOINT, "1-128 letters, digits, '_', '.', ':' or '-'");
    }

    public static String namespace(String name) {
        return check("namespace", name, NAMESPACE, "1-63 lower-case letters, digits or '-', starting and ending with a letter or digit");
    }

    public static String policy(String name) {
        return check("policy name", name, POLICY, "a DNS name of lower-case letters, digits, '-' and '.'");
    }

    public static String labelKey(String key) {
        return check("label key", key, LABEL_KEY, "an optional DNS prefix and '/', then up to 63 letters, digits, '_', '.', '-'");
    }

    public static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidInputException("at most " + MAX_LABELS + " labels, got " + labels.size());
        }
        labels.forEach((k, v) -> {
            check("label key", k, LABEL_KEY, "an optional DNS prefix and '/', then up to 63 letters, digits, '_', '.', '-'");
            check("label value for '" + k + "'", v == null ? "" : v, LABEL_VALUE, "up to 63 letters, digits, '_', '.', '-'");
        });
        return Map.copyOf(labels);
    }

    private static String check(String what, String value, Pattern pattern, String rule) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(what + " is required");
        }
        if (!pattern.matcher(value).matches()) {
            String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
            throw new InvalidInputException(what + " '" + shown + "' is invalid: want " + rule);
        }
        return value;
    }
}
