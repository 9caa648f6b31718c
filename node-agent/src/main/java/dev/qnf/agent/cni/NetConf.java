package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The network configuration on stdin, read once and checked ({@code loadNetConf}). Fields QNF does not know are
 * ignored, except {@code ipam}: QNF is its own IPAM, so a config delegating to another is refused rather than
 * silently not honoured.
 *
 * @param cniVersion       the spec version the runtime speaks (one of {@link CniVersions#SUPPORTED})
 * @param name             the network configuration's name
 * @param network          the QNF network ({@code "network"}, default {@code name})
 * @param runtimeConfig    the capabilities the runtime filled in
 * @param argLabels        {@code args.cni.labels} as a map
 * @param argIps           {@code args.cni.ips}
 * @param prevResult       the previous plugin's (ADD) or the earlier ADD's (CHECK, DEL) result, or null
 * @param validAttachments GC: {@code cni.dev/valid-attachments} as "containerId/ifName"; null when absent
 */
public record NetConf(String cniVersion, String name, String network, RuntimeConfig runtimeConfig,
                      Map<String, String> argLabels, List<String> argIps, ObjectNode prevResult,
                      List<String> validAttachments) {
    /** The spec's rule for configuration names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public static NetConf parse(String stdin) {
        JsonNode root = JsonFields.parse(stdin, "the network configuration");
        String version = JsonFields.text(root, "cniVersion");
        if (version == null) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion is missing",
                    "supported: " + CniVersions.SUPPORTED);
        }
        if (!CniVersions.supported(version)) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "CNI version " + version + " is not supported",
                    "supported: " + CniVersions.SUPPORTED);
        }
        return parse(root, version);
    }

    private static NetConf parse(JsonNode root, String version) {
        String name = JsonFields.text(root, "name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw CniError.config(name == null ? "the configuration has no name"
                    : "configuration name '" + name + "' is invalid");
        }
        String network = JsonFields.text(root, "network");
        network = network == null ? name : network;
        try {
            Names.network(network);
        } catch (InvalidInputException e) {
            throw CniError.config(e.getMessage());
        }
        if (root.hasNonNull("ipam")) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "'ipam' is not supported",
                    "QNF allocates addresses itself; remove the ipam section");
        }
        RuntimeConfig rc = RuntimeConfig.parse(JsonFields.object(root, "runtimeConfig"), network);
        JsonNode args = JsonFields.object(root, "args");
        JsonNode cni = args == null ? null : JsonFields.object(args, "cni");
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> ips = List.of();
        if (cni != null) {
            for (JsonNode l : JsonFields.array(cni, "labels")) {
                if (!l.isObject()) {
                    throw CniError.decode("args.cni.labels must hold {key, value} objects");
                }
                labels.put(JsonFields.text(l, "key"), JsonFields.text(l, "value"));
            }
            ips = JsonFields.strings(cni, "ips");
        }
        return new NetConf(version, name, network, rc, labels, ips,
                (ObjectNode) JsonFields.object(root, "prevResult"), validAttachments(root));
    }

    private static List<String> validAttachments(JsonNode root) {
        if (!root.has("cni.dev/valid-attachments")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : JsonFields.array(root, "cni.dev/valid-attachments")) {
            if (!a.isObject()) {
                throw CniError.decode("cni.dev/valid-attachments must hold {containerID, ifname} objects");
            }
            out.add(JsonFields.text(a, "containerID") + "/" + JsonFields.text(a, "ifname"));
        }
        return List.copyOf(out);
    }
}
