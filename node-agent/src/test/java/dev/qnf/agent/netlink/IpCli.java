package dev.qnf.agent.netlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What iproute2 sees, for checking the netlink layer against an independent implementation. Tests only. */
final class IpCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpCli() {
    }

    static String name(NetNs ns) {
        return ns.path().getFileName().toString();
    }

    /** {@code ip -j -n NS ARGS...} parsed. */
    static JsonNode json(NetNs ns, String... args) {
        String[] cmd = Stream.concat(Stream.of("ip", "-j", "-n", name(ns)), Stream.of(args)).toArray(String[]::new);
        try {
            return JSON.readTree(TestNamespaces.sh(cmd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode link(NetNs ns, String name) {
        return json(ns, "-d", "link", "show", "dev", name).get(0);
    }

    static boolean hasLink(NetNs ns, String name) {
        return TestNamespaces.status("ip", "-n", name(ns), "link", "show", "dev", name) == 0;
    }

    static boolean isUp(JsonNode link) {
        for (JsonNode f : link.path("flags")) {
            if (f.asText().equals("UP")) {
                return true;
            }
        }
        return false;
    }

    /** Links as iproute2 reports them, in the shape of {@link Link}. */
    static List<Link> links(NetNs ns) {
        JsonNode all = json(ns, "-d", "link", "show");
        List<Link> out = new ArrayList<>();
        for (JsonNode l : all) {
            int master = 0;
            if (l.has("master")) {
                for (JsonNode m : all) {
                    if (m.path("ifname").asText().equals(l.get("master").asText())) {
                        master = m.get("ifindex").asInt();
                    }
                }
            }
            out.add(new Link(l.get("ifindex").asInt(), l.get("ifname").asText(),
                    l.path("linkinfo").path("info_kind").asText(""), master, l.get("mtu").asInt(),
                    l.path("address").asText(""), isUp(l)));
        }
        return out;
    }

    /** Addresses of one link as iproute2 reports them. */
    static List<Address> addresses(NetNs ns, String link) {
        JsonNode l = json(ns, "addr", "show", "dev", link).get(0);
        List<Address> out = new ArrayList<>();
        for (JsonNode a : l.path("addr_info")) {
            out.add(new Address(l.get("ifindex").asInt(), IpAddress.parse(a.get("local").asText()),
                    a.get("prefixlen").asInt()));
        }
        return out;
    }

    static List<JsonNode> addressInfo(NetNs ns, String link) {
        List<JsonNode> out = new ArrayList<>();
        json(ns, "addr", "show", "dev", link).get(0).path("addr_info").forEach(out::add);
        return out;
    }

    /** Main-table routes as {@code ip -4|-6 route show} reports them. */
    static List<Route> routes(NetNs ns, int family) {
        List<Route> out = new ArrayList<>();
        for (JsonNode r : json(ns, "-" + family, "route", "show")) {
            String dst = r.get("dst").asText();
            Cidr destination = dst.equals("default") ? Route.defaultDestination(family)
                    : dst.contains("/") ? Cidr.parse(dst) : new Cidr(IpAddress.parse(dst), family == 4 ? 32 : 128);
            IpAddress gateway = r.has("gateway") ? IpAddress.parse(r.get("gateway").asText()) : null;
            out.add(new Route(destination, gateway, r.has("dev") ? r.get("dev").asText() : null,
                    r.path("metric").asInt(0)));
        }
        return out;
    }
}
