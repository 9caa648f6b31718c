package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.state.PortMap;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The capabilities a runtime fills in ({@code runtimeConfig}, CNI conventions): published ports, requested
 * addresses and MAC, DNS settings and aliases.
 *
 * @param ports   {@code portMappings}: host port → container port, tcp or udp, on every host address
 * @param ips     {@code ips}: requested addresses, with or without a prefix length
 * @param mac     {@code mac}, or null
 * @param dns     {@code dns}, or null
 * @param aliases {@code aliases}: extra DNS names; a list, or (as podman sends it) a map of network name to list
 */
public record RuntimeConfig(List<PortMap> ports, List<String> ips, String mac, Dns dns, List<String> aliases) {
    public static final RuntimeConfig NONE = new RuntimeConfig(List.of(), List.of(), null, null, List.of());

    /** The runtime's DNS settings: they come before the network's own in the result. */
    public record Dns(List<String> servers, List<String> searches, List<String> options) {
    }

    static RuntimeConfig parse(JsonNode rc, String network) {
        if (rc == null) {
            return NONE;
        }
        List<PortMap> ports = new ArrayList<>();
        for (JsonNode p : JsonFields.array(rc, "portMappings")) {
            PortMap m = portMapping(p);
            if (ports.stream().anyMatch(m::clashesWith)) {
                throw CniError.config("host port " + m.protocol() + "/" + m.hostPort() + " is mapped twice");
            }
            ports.add(m);
        }
        JsonNode d = JsonFields.object(rc, "dns");
        Dns dns = d == null ? null : new Dns(JsonFields.strings(d, "servers"), JsonFields.strings(d, "searches"),
                JsonFields.strings(d, "options"));
        return new RuntimeConfig(List.copyOf(ports), JsonFields.strings(rc, "ips"), JsonFields.text(rc, "mac"), dns,
                aliases(rc.get("aliases"), network));
    }

    private static PortMap portMapping(JsonNode p) {
        if (!p.isObject()) {
            throw CniError.decode("portMappings must hold objects");
        }
        String protocol = JsonFields.text(p, "protocol");
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "port mapping protocol " + protocol + " is not supported",
                    "QNF publishes tcp and udp ports");
        }
        String hostIp = JsonFields.text(p, "hostIP");
        if (hostIp != null && !hostIp.isEmpty() && !hostIp.equals("0.0.0.0") && !hostIp.equals("::")) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "port mapping hostIP " + hostIp + " is not supported",
                    "QNF publishes ports on every host address; binding one address is not implemented");
        }
        try {
            return new PortMap(protocol, JsonFields.integer(p, "hostPort"), JsonFields.integer(p, "containerPort"));
        } catch (IllegalArgumentException e) {
            throw CniError.config("port mapping: " + e.getMessage());
        }
    }

    private static List<String> aliases(JsonNode a, String network) {
        if (a == null || a.isNull()) {
            return List.of();
        }
        JsonNode list = a;
        if (a.isObject()) {
            list = a.get(network);
            if (list == null || list.isNull()) {
                return List.of();
            }
        }
        if (!list.isArray()) {
            throw CniError.decode("'aliases' must be a list of names (or a map of network to names)");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw CniError.decode("'aliases' must hold strings");
            }
            String alias = n.asText().toLowerCase(Locale.ROOT);
            if (!alias.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw CniError.config("alias '" + n.asText() + "' is not a DNS label (letters, digits, '-')");
            }
            out.add(alias);
        }
        return List.copyOf(out);
    }
}
