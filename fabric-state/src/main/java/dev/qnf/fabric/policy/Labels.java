package dev.qnf.fabric.policy;

import java.util.Map;
import java.util.TreeMap;

/**
 * Conventions for endpoint labels. The CNI ADD sets {@code name} (from {@code K8S_POD_NAME}),
 * {@link #NAMESPACE} (from {@code K8S_POD_NAMESPACE}), the {@code QNF_LABELS} pairs and one {@code alias.qnf.dev/*}
 * per alias; {@code qnf endpoint label} changes them later.
 *
 * <p>An endpoint's <em>identity labels</em> are its labels without the per-instance ones ({@code name} and the
 * aliases), with the namespace always present, so replicas of one workload share one identity. Policies select on
 * identity labels only.
 */
public final class Labels {
    /** The endpoint's namespace; an endpoint without it is in {@link #DEFAULT_NAMESPACE}. */
    public static final String NAMESPACE = "k8s.qnf.dev/namespace";
    public static final String DEFAULT_NAMESPACE = "default";
    /** The label every Kubernetes namespace carries with its own name; namespace selectors match against it. */
    public static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
    /** Per-instance labels that never take part in identity or selection. */
    public static final String NAME = "name";
    public static final String ALIAS_PREFIX = "alias.qnf.dev/";

    private Labels() {
    }

    public static String namespaceOf(Map<String, String> labels) {
        String ns = labels.get(NAMESPACE);
        return ns == null || ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
    }

    /** Sorted identity labels: without {@code name} and aliases, with the namespace. */
    public static Map<String, String> identityLabels(Map<String, String> labels) {
        TreeMap<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (!k.equals(NAME) && !k.startsWith(ALIAS_PREFIX)) {
                out.put(k, v);
            }
        });
        out.put(NAMESPACE, namespaceOf(labels));
        return out;
    }

    /**
     * The labels a namespace selector sees. QNF keeps no namespace objects, so a namespace has only the
     * {@code kubernetes.io/metadata.name} label Kubernetes gives every namespace.
     */
    public static Map<String, String> namespaceLabels(String namespace) {
        return Map.of(NAMESPACE_NAME, namespace);
    }

    /** The canonical text of a label set ({@code k=v,k=v}, sorted): a map key, and the form users read. */
    public static String canonical(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }
}
