package dev.qnf.agent.cni;

import dev.qnf.agent.reconcile.Zones;
import dev.qnf.api.json.AllocationView;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an ADD asks of the control plane besides the endpoint id: the requested addresses ({@code runtimeConfig.ips},
 * {@code args.cni.ips}, {@code CNI_ARGS IP=}; at most one per family) and the endpoint's labels.
 *
 * <p>Labels: {@code name} from {@code K8S_POD_NAME} (the DNS name; podman passes the container name there),
 * {@code k8s.qnf.dev/namespace} from {@code K8S_POD_NAMESPACE}, then {@code args.cni.labels} and
 * {@code QNF_LABELS} (which may override {@code name}), and one {@code alias.qnf.dev/<alias>} per alias.
 */
record AddInputs(IpAddress ip4, IpAddress ip6, Map<String, String> labels) {
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");
    /** The one namespace label, shared with the policy model (identity labels always carry it). */
    static final String NAMESPACE_LABEL = Labels.NAMESPACE;

    static AddInputs of(CniRequest r) {
        IpAddress v4 = null;
        IpAddress v6 = null;
        List<String> asked = new ArrayList<>(r.config().runtimeConfig().ips());
        asked.addAll(r.config().argIps());
        if (r.args().get("IP") != null) {
            asked.addAll(List.of(r.args().get("IP").split(",")));
        }
        for (String text : asked) {
            IpAddress ip = parse(text);
            IpAddress before = ip.family() == 4 ? v4 : v6;
            if (before != null && !before.equals(ip)) {
                throw CniError.config("QNF gives an endpoint one address per family; asked for " + before + " and " + ip);
            }
            if (ip.family() == 4) {
                v4 = ip;
            } else {
                v6 = ip;
            }
        }
        return new AddInputs(v4, v6, labels(r));
    }

    /** The one address the allocation request can carry (the API takes one); the other is verified afterwards. */
    String requested() {
        return ip4 != null ? ip4.toString() : ip6 != null ? ip6.toString() : null;
    }

    /** Null when the allocation gave what was asked for, else what differs. */
    String mismatch(AllocationView v) {
        if (ip4 != null && !Objects.equals(ip4.toString(), v.ip())) {
            return "asked for " + ip4 + ", got " + v.ip();
        }
        if (ip6 != null && !Objects.equals(ip6.toString(), v.ip6())) {
            return "asked for " + ip6 + ", got " + (v.ip6() == null ? "no IPv6 address" : v.ip6());
        }
        return null;
    }

    private static IpAddress parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            return IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
        } catch (InvalidInputException e) {
            throw CniError.config("requested address '" + text + "': " + e.getMessage());
        }
    }

    private static Map<String, String> labels(CniRequest r) {
        Map<String, String> labels = new LinkedHashMap<>();
        putIfValid(labels, "name", r.args().podName());
        putIfValid(labels, NAMESPACE_LABEL, r.args().podNamespace());
        labels.putAll(r.config().argLabels());
        labels.putAll(r.args().labels());
        for (String alias : r.config().runtimeConfig().aliases()) {
            labels.put(Zones.ALIAS_LABEL_PREFIX + alias, "true");
        }
        try {
            return Names.labels(labels);
        } catch (InvalidInputException e) {
            throw CniError.config("endpoint labels: " + e.getMessage());
        }
    }

    private static void putIfValid(Map<String, String> labels, String key, String value) {
        if (value != null && LABEL_VALUE.matcher(value).matches()) {
            labels.put(key, value);
        }
    }
}
