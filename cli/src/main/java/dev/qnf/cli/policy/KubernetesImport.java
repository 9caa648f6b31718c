package dev.qnf.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.policy.Labels;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates Kubernetes {@code networking.k8s.io/v1} NetworkPolicy objects into QNF policies with Kubernetes'
 * meaning: the policy isolates the directions of its {@code policyTypes} (when absent: Ingress, plus Egress if it
 * has an egress section) and rules of a direction it does not isolate are ignored, as Kubernetes ignores them;
 * {@code podSelector} alone looks in the policy's namespace, {@code namespaceSelector} alone in every matching
 * namespace, both together in their intersection; {@code ipBlock} becomes a CIDR peer with its {@code except};
 * {@code port}/{@code endPort} a port range; a missing protocol is TCP. Named ports are refused (QNF has no
 * container port names). Accepts single objects, {@code kind: List} and multi-document files.
 */
public final class KubernetesImport {
    private static final Set<String> SPEC_FIELDS = Set.of("podSelector", "policyTypes", "ingress", "egress");

    /** The translated policies, and warnings about what QNF cannot honour exactly. */
    public record Result(List<PolicyView> policies, List<String> warnings) {
    }

    private final List<String> warnings = new ArrayList<>();

    private KubernetesImport() {
    }

    public static Result translate(List<JsonNode> documents) {
        KubernetesImport k = new KubernetesImport();
        List<PolicyView> out = new ArrayList<>();
        for (JsonNode doc : documents) {
            k.collect(doc, out);
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("no NetworkPolicy objects found");
        }
        return new Result(out, List.copyOf(k.warnings));
    }

    private void collect(JsonNode doc, List<PolicyView> out) {
        String kind = doc.path("kind").asText("");
        if (kind.equals("List") || kind.equals("NetworkPolicyList")) {
            doc.path("items").forEach(item -> collect(item, out));
            return;
        }
        if (!kind.equals("NetworkPolicy")) {
            throw new InvalidInputException("kind '" + kind + "' is not NetworkPolicy");
        }
        String api = doc.path("apiVersion").asText("");
        if (!api.equals("networking.k8s.io/v1")) {
            throw new InvalidInputException("apiVersion '" + api + "' is not networking.k8s.io/v1");
        }
        String name = doc.path("metadata").path("name").asText(null);
        String ns = doc.path("metadata").path("namespace").asText(Labels.DEFAULT_NAMESPACE);
        String where = "NetworkPolicy " + ns + "/" + name;
        try {
            PolicyView v = policy(ns, name, doc.path("spec"));
            PolicyViews.toPolicy(v);
            out.add(v);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
    }

    private PolicyView policy(String ns, String name, JsonNode spec) {
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!SPEC_FIELDS.contains(f)) {
                throw new InvalidInputException("unknown spec field '" + f + "'");
            }
        }
        if (!spec.has("podSelector")) {
            throw new InvalidInputException("spec.podSelector is required (use {} for every pod)");
        }
        boolean ingress;
        boolean egress;
        if (spec.has("policyTypes")) {
            List<String> types = new ArrayList<>();
            spec.get("policyTypes").forEach(t -> types.add(t.asText()));
            for (String t : types) {
                if (!t.equals("Ingress") && !t.equals("Egress")) {
                    throw new InvalidInputException("policyType '" + t + "' is not Ingress or Egress");
                }
            }
            ingress = types.contains("Ingress");
            egress = types.contains("Egress");
        } else {
            ingress = true;
            egress = spec.has("egress");
        }
        if (!ingress && spec.path("ingress").size() > 0) {
            warnings.add(ns + "/" + name + ": ingress rules ignored, policyTypes does not include Ingress");
        }
        if (!egress && spec.path("egress").size() > 0) {
            warnings.add(ns + "/" + name + ": egress rules ignored, policyTypes does not include Egress");
        }
        List<String> isolate = new ArrayList<>();
        if (ingress) {
            isolate.add("ingress");
        }
        if (egress) {
            isolate.add("egress");
        }
        String ref = ns + "/" + name;
        return new PolicyView(ns, name, selector(spec.get("podSelector")), null, isolate,
                ingress ? rules(spec.path("ingress"), "from", ref) : null,
                egress ? rules(spec.path("egress"), "to", ref) : null, null);
    }

    private List<RuleView> rules(JsonNode rules, String peersField, String ref) {
        List<RuleView> out = new ArrayList<>();
        for (JsonNode r : rules) {
            List<PeerView> peers = null;
            if (r.has(peersField) && r.get(peersField).size() > 0) {
                peers = new ArrayList<>();
                for (JsonNode p : r.get(peersField)) {
                    peers.add(peer(p, ref));
                }
            }
            List<PortView> ports = null;
            if (r.has("ports") && r.get("ports").size() > 0) {
                ports = new ArrayList<>();
                for (JsonNode p : r.get("ports")) {
                    ports.add(port(p));
                }
            }
            out.add(new RuleView("allow", peersField.equals("from") ? peers : null,
                    peersField.equals("to") ? peers : null, ports));
        }
        return out;
    }

    private PeerView peer(JsonNode p, String ref) {
        if (p.has("ipBlock")) {
            if (p.has("podSelector") || p.has("namespaceSelector")) {
                throw new InvalidInputException("a peer with ipBlock may not also have selectors");
            }
            JsonNode b = p.get("ipBlock");
            List<String> except = new ArrayList<>();
            b.path("except").forEach(e -> except.add(e.asText()));
            return new PeerView(null, null, null, b.path("cidr").asText(null), except.isEmpty() ? null : except, null);
        }
        if (!p.has("podSelector") && !p.has("namespaceSelector")) {
            throw new InvalidInputException("a peer needs podSelector, namespaceSelector or ipBlock");
        }
        SelectorView namespaces = p.has("namespaceSelector") ? selector(p.get("namespaceSelector")) : null;
        if (namespaces != null && !onlyNamespaceNames(namespaces)) {
            warnings.add(ref + ": namespaceSelector " + p.get("namespaceSelector") + " uses namespace labels other than "
                    + Labels.NAMESPACE_NAME + ", which QNF does not know; it matches no namespace");
        }
        return new PeerView(p.has("podSelector") ? selector(p.get("podSelector")) : null, namespaces, null, null,
                null, null);
    }

    private static boolean onlyNamespaceNames(SelectorView s) {
        boolean labels = s.matchLabels() == null || s.matchLabels().keySet().stream().allMatch(Labels.NAMESPACE_NAME::equals);
        boolean exprs = s.matchExpressions() == null || s.matchExpressions().stream()
                .allMatch(e -> Labels.NAMESPACE_NAME.equals(e.key()));
        return labels && exprs;
    }

    private static PortView port(JsonNode p) {
        String proto = p.path("protocol").asText("TCP").toLowerCase(Locale.ROOT);
        Integer port = null;
        if (p.has("port")) {
            JsonNode n = p.get("port");
            if (!n.canConvertToInt() || n.isTextual()) {
                throw new InvalidInputException("named port '" + n.asText() + "' is not supported; use the number");
            }
            port = n.asInt();
        }
        Integer end = p.has("endPort") ? p.get("endPort").asInt() : null;
        return new PortView(proto, port, end);
    }

    private static SelectorView selector(JsonNode s) {
        if (s == null || s.isNull()) {
            return new SelectorView(null, null);
        }
        Map<String, String> labels = null;
        if (s.has("matchLabels")) {
            labels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("matchLabels").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
        }
        List<SelectorView.Expression> exprs = null;
        if (s.has("matchExpressions")) {
            exprs = new ArrayList<>();
            for (JsonNode e : s.get("matchExpressions")) {
                List<String> values = new ArrayList<>();
                e.path("values").forEach(v -> values.add(v.asText()));
                exprs.add(new SelectorView.Expression(e.path("key").asText(null), e.path("operator").asText(null),
                        values.isEmpty() ? null : values));
            }
        }
        return new SelectorView(labels, exprs);
    }
}
