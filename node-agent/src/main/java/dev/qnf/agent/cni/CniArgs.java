package dev.qnf.agent.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code CNI_ARGS}: {@code KEY=VALUE} pairs separated by ';'. QNF reads {@code K8S_POD_NAMESPACE},
 * {@code K8S_POD_NAME}, {@code IP} (a requested address) and {@code QNF_LABELS} (endpoint labels as
 * {@code k=v,k2=v2}: commas, because ';' already separates the pairs); other keys are ignored.
 */
public record CniArgs(Map<String, String> values) {
    public static final CniArgs NONE = new CniArgs(Map.of());

    public static CniArgs parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CniError.env("CNI_ARGS item '" + pair + "' is not KEY=VALUE");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return new CniArgs(Map.copyOf(out));
    }

    public String get(String key) {
        return values.get(key);
    }

    public String podName() {
        return values.get("K8S_POD_NAME");
    }

    public String podNamespace() {
        return values.get("K8S_POD_NAMESPACE");
    }

    /** {@code QNF_LABELS=k=v,k2=v2}. */
    public Map<String, String> labels() {
        String text = values.get("QNF_LABELS");
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw CniError.env("QNF_LABELS item '" + item + "' is not key=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }
}
