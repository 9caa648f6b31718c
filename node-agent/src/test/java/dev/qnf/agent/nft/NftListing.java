package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.agent.testing.TestNamespaces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import static dev.qnf.agent.testing.TestNamespaces.sh;

/** Reads a namespace's ruleset the way an operator would: {@code ip netns exec NS nft -j list ruleset}. */
final class NftListing {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NftListing() {
    }

    static JsonNode ruleset(TestNamespaces ns, String name) {
        try {
            return JSON.readTree(sh("ip", "netns", "exec", ns.nameOf(name), "nft", "-j", "list", "ruleset"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(TestNamespaces ns, String name, String what) {
        return sh("ip", "netns", "exec", ns.nameOf(name), "nft", "list", what);
    }

    /** "inet qnf", "ip qnf-nat", ... */
    static List<String> tables(JsonNode listing) {
        List<String> out = new ArrayList<>();
        listing.path("nftables").forEach(o -> {
            if (o.has("table")) {
                out.add(o.path("table").path("family").asText() + " " + o.path("table").path("name").asText());
            }
        });
        return out;
    }

    static List<String> chains(JsonNode listing, String table) {
        List<String> out = new ArrayList<>();
        listing.path("nftables").forEach(o -> {
            if (o.has("chain") && in(o.path("chain"), table)) {
                out.add(o.path("chain").path("name").asText());
            }
        });
        return out;
    }

    /** The elements of a set or map, rendered as nft writes them ("tcp . 8080 : 10.1.0.2 . 80"), sorted. */
    static SortedSet<String> elements(JsonNode listing, String table, String set) {
        for (JsonNode o : listing.path("nftables")) {
            JsonNode s = o.has("set") ? o.path("set") : o.path("map");
            if (!s.isMissingNode() && in(s, table) && s.path("name").asText().equals(set)) {
                SortedSet<String> out = new TreeSet<>();
                s.path("elem").forEach(e -> out.add(render(e)));
                return out;
            }
        }
        throw new AssertionError("no set " + set + " in " + table);
    }

    /**
     * The listing as a set of comparable lines: handles dropped, set elements sorted (their listing order depends on
     * hashing), rules numbered within their chain. Two namespaces holding the same ruleset compare equal.
     */
    static SortedSet<String> normalized(JsonNode listing) {
        return normalized(listing, false);
    }

    /** {@link #normalized}, of the QNF tables only. */
    static SortedSet<String> normalizedQnf(JsonNode listing) {
        return normalized(listing, true);
    }

    private static SortedSet<String> normalized(JsonNode listing, boolean qnfOnly) {
        SortedSet<String> out = new TreeSet<>();
        Map<String, Integer> ruleIndex = new HashMap<>();
        for (JsonNode o : listing.path("nftables")) {
            String kind = o.fieldNames().next();
            if (kind.equals("metainfo")) {
                continue;
            }
            JsonNode b = o.path(kind);
            String table = b.path("family").asText() + " " + b.path(kind.equals("table") ? "name" : "table").asText();
            if (qnfOnly && !RulesetCompiler.TABLES.contains(table)) {
                continue;
            }
            ObjectNode body = ((ObjectNode) b).deepCopy();
            body.remove("handle");
            if (body.has("elem")) {
                ArrayNode sorted = JSON.createArrayNode();
                new TreeSet<>(elementTexts(body.path("elem"))).forEach(sorted::add);
                body.set("elem", sorted);
            }
            if (kind.equals("rule")) {
                String chain = body.path("family").asText() + " " + body.path("table").asText() + " "
                        + body.path("chain").asText();
                int index = ruleIndex.merge(chain, 1, Integer::sum);
                out.add("rule " + chain + " #" + index + " " + body.path("expr") + " " + body.path("comment"));
            } else {
                out.add(kind + " " + body);
            }
        }
        return out;
    }

    private static List<String> elementTexts(JsonNode elems) {
        List<String> out = new ArrayList<>();
        elems.forEach(e -> out.add(render(e)));
        return out;
    }

    private static boolean in(JsonNode object, String table) {
        return (object.path("family").asText() + " " + object.path("table").asText()).equals(table);
    }

    static String render(JsonNode e) {
        if (e.isArray() && e.size() == 2) {
            return render(e.get(0)) + " : " + render(e.get(1));
        }
        if (e.isValueNode()) {
            return e.asText();
        }
        if (e.has("concat")) {
            List<String> parts = new ArrayList<>();
            e.path("concat").forEach(p -> parts.add(render(p)));
            return String.join(" . ", parts);
        }
        if (e.has("prefix")) {
            return e.path("prefix").path("addr").asText() + "/" + e.path("prefix").path("len").asText();
        }
        if (e.has("elem")) {
            return render(e.path("elem").path("val"));
        }
        for (String verdict : List.of("jump", "goto")) {
            if (e.has(verdict)) {
                return verdict + " " + e.path(verdict).path("target").asText();
            }
        }
        return e.toString();
    }
}
