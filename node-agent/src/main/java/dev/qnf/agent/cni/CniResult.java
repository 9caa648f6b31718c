package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.api.json.NetworkView;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ADD result (SPEC "Success"): the host veth and the container interface (with its sandbox), the addresses with
 * their gateways, default routes, and DNS (the network's gateways as nameservers, the QNF search list). Chained after
 * other plugins it extends {@code prevResult} instead of replacing it: interfaces and addresses are appended and
 * interface indices shifted. Versions before 1.0.0 also get the {@code version} field of each address; 1.1.0 the
 * interfaces' MTU as the kernel has it (the network's MTU capped by the host, e.g. for the WireGuard mesh).
 */
final class CniResult {
    private CniResult() {
    }

    static ObjectNode of(String version, LocalAttachment a, Plumbing.Plugged plugged, List<String> search,
                         RuntimeConfig.Dns runtimeDns, ObjectNode prevResult) {
        String hostMac = plugged.hostMac();
        NetworkView n = a.spec();
        ObjectNode r = JsonFields.JSON.createObjectNode();
        r.put("cniVersion", version);
        ArrayNode interfaces = r.putArray("interfaces");
        ArrayNode ips = r.putArray("ips");
        ArrayNode routes = r.putArray("routes");
        if (prevResult != null) {
            copy(prevResult, "interfaces", interfaces);
            copy(prevResult, "ips", ips);
            copy(prevResult, "routes", routes);
        }
        int base = interfaces.size();
        ObjectNode host = interfaces.addObject().put("name", a.hostIf());
        if (hostMac != null && !hostMac.isEmpty()) {
            host.put("mac", hostMac);
        }
        ObjectNode container = interfaces.addObject().put("name", a.ifName()).put("mac", a.mac())
                .put("sandbox", a.netns());
        if (CniVersions.atLeast(version, "1.1.0")) {
            host.put("mtu", plugged.mtu());   // a veth's two ends have one MTU
            container.put("mtu", plugged.mtu());
        }
        address(ips, version, a.ip(), n.cidr(), n.gateway(), base + 1);
        address(ips, version, a.ip6(), n.cidr6(), n.gateway6(), base + 1);
        if (a.ip() != null && n.gateway() != null) {
            routes.addObject().put("dst", "0.0.0.0/0").put("gw", n.gateway());
        }
        if (a.ip6() != null && n.gateway6() != null) {
            routes.addObject().put("dst", "::/0").put("gw", n.gateway6());
        }
        r.set("dns", dns(n, search, runtimeDns, prevResult == null ? null : prevResult.get("dns")));
        return r;
    }

    private static void address(ArrayNode ips, String version, String ip, String cidr, String gateway, int index) {
        if (ip == null) {
            return;
        }
        ObjectNode o = ips.addObject();
        if (!CniVersions.atLeast(version, "1.0.0")) {
            o.put("version", ip.contains(":") ? "6" : "4");
        }
        o.put("address", ip + cidr.substring(cidr.indexOf('/')));
        if (gateway != null) {
            o.put("gateway", gateway);
        }
        o.put("interface", index);
    }

    /** Runtime-requested servers first (the user asked for them), then the gateways, then anything chained. */
    private static ObjectNode dns(NetworkView n, List<String> search, RuntimeConfig.Dns runtime, JsonNode previous) {
        Set<String> servers = new LinkedHashSet<>();
        Set<String> searches = new LinkedHashSet<>();
        Set<String> options = new LinkedHashSet<>();
        if (runtime != null) {
            servers.addAll(runtime.servers());
            searches.addAll(runtime.searches());
            options.addAll(runtime.options());
        }
        if (n.gateway() != null) {
            servers.add(n.gateway());
        }
        if (n.gateway6() != null) {
            servers.add(n.gateway6());
        }
        searches.addAll(search);
        if (previous != null && previous.isObject()) {
            previous.path("nameservers").forEach(s -> servers.add(s.asText()));
            previous.path("search").forEach(s -> searches.add(s.asText()));
            previous.path("options").forEach(s -> options.add(s.asText()));
        }
        ObjectNode d = JsonFields.JSON.createObjectNode();
        d.set("nameservers", strings(servers));
        d.set("search", strings(searches));
        if (!options.isEmpty()) {
            d.set("options", strings(options));
        }
        return d;
    }

    private static ArrayNode strings(Set<String> values) {
        ArrayNode a = JsonFields.JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static void copy(ObjectNode from, String field, ArrayNode to) {
        JsonNode n = from.get(field);
        if (n != null && n.isArray()) {
            n.forEach(to::add);
        }
    }

    /** The addresses (without prefix) a result gives to interface {@code sandboxIf} in {@code netns}. */
    static List<String> addressesOf(ObjectNode result, String ifName, String netns) {
        List<Integer> indices = new ArrayList<>();
        JsonNode ifs = result.path("interfaces");
        for (int i = 0; i < ifs.size(); i++) {
            JsonNode it = ifs.get(i);
            if (ifName.equals(it.path("name").asText()) && netns.equals(it.path("sandbox").asText())) {
                indices.add(i);
            }
        }
        List<String> out = new ArrayList<>();
        result.path("ips").forEach(ip -> {
            if (ip.has("interface") && indices.contains(ip.get("interface").asInt())) {
                String addr = ip.path("address").asText();
                out.add(addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr);
            }
        });
        return out;
    }
}
