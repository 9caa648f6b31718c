package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The QNF tables found in the kernel, read from libnftables' JSON listing: for each table its chains (with their
 * hooks), its sets and maps (with their types) and its named counters. Rules and elements are not read: adoption rewrites them anyway.
 * Objects of tables that are not QNF's are ignored, whatever the listing holds.
 */
public final class ObservedTables {
    private static final Set<String> KNOWN_KINDS = Set.of("metainfo", "table", "chain", "rule", "set", "map", "counter");
    /** No QNF table at all: a fresh host. */
    public static final ObservedTables NONE = new ObservedTables(Map.of(), Set.of());

    private final Map<String, Layout.Table> tables;
    private final Set<String> withUnmanagedObjects;

    private ObservedTables(Map<String, Layout.Table> tables, Set<String> withUnmanagedObjects) {
        this.tables = tables;
        this.withUnmanagedObjects = withUnmanagedObjects;
    }

    /** Parses one or more JSON listings ({@code {"nftables": [...]}}, e.g. of "list table inet qnf"). */
    public static ObservedTables parse(JsonNode... listings) {
        Map<String, Map<String, Layout.Chain>> chains = new LinkedHashMap<>();
        Map<String, Map<String, Layout.NftSet>> sets = new LinkedHashMap<>();
        Map<String, Set<String>> counters = new LinkedHashMap<>();
        Set<String> unmanaged = new LinkedHashSet<>();
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode listing : listings) {
            listing.path("nftables").forEach(objects::add);
        }
        for (JsonNode object : objects) {
            String kind = object.fieldNames().hasNext() ? object.fieldNames().next() : "";
            JsonNode o = object.path(kind);
            String table = kind.equals("table") ? id(o.path("family"), o.path("name")) : id(o.path("family"), o.path("table"));
            if (!RulesetCompiler.TABLES.contains(table)) {
                continue;
            }
            chains.computeIfAbsent(table, t -> new LinkedHashMap<>());
            sets.computeIfAbsent(table, t -> new LinkedHashMap<>());
            counters.computeIfAbsent(table, t -> new LinkedHashSet<>());
            switch (kind) {
                case "counter" -> counters.get(table).add(o.path("name").asText());
                case "chain" -> chains.get(table).put(o.path("name").asText(), new Layout.Chain(o.path("name").asText(),
                        o.has("hook") ? new Layout.Hook(o.path("type").asText(), o.path("hook").asText(),
                                o.path("prio").asText(), o.path("prio").asInt()) : null, List.of()));
                case "set", "map" -> sets.get(table).put(o.path("name").asText(), new Layout.NftSet(
                        o.path("name").asText(), typeText(o.path("type")),
                        kind.equals("map") ? typeText(o.path("map")) : null, flags(o.path("flags")), Map.of()));
                default -> {
                    if (!KNOWN_KINDS.contains(kind)) {
                        unmanaged.add(table);
                    }
                }
            }
        }
        Map<String, Layout.Table> tables = new LinkedHashMap<>();
        chains.forEach((id, c) -> tables.put(id, new Layout.Table(id, c, sets.get(id), counters.get(id))));
        return new ObservedTables(Collections.unmodifiableMap(tables), Collections.unmodifiableSet(unmanaged));
    }

    /** "inet qnf", "ip qnf-nat", ... in the order found. */
    public Set<String> tables() {
        return tables.keySet();
    }

    Layout.Table table(String id) {
        return tables.get(id);
    }

    /** The table holds objects QNF never creates (flowtables, quotas, ...): adoption recreates it. */
    boolean hasUnmanagedObjects(String id) {
        return withUnmanagedObjects.contains(id);
    }

    private static String id(JsonNode family, JsonNode name) {
        return family.asText() + " " + name.asText();
    }

    /** "ipv4_addr", or a concatenation listed as an array: "inet_proto . inet_service". */
    private static String typeText(JsonNode type) {
        if (type.isArray()) {
            List<String> parts = new ArrayList<>();
            type.forEach(p -> parts.add(p.asText()));
            return String.join(" . ", parts);
        }
        return type.asText();
    }

    private static Set<String> flags(JsonNode flags) {
        Set<String> out = new LinkedHashSet<>();
        if (flags.isArray()) {
            flags.forEach(f -> out.add(f.asText()));
        } else if (flags.isTextual()) {
            out.add(flags.asText());
        }
        return out;
    }

    @Override
    public String toString() {
        return "ObservedTables" + tables.keySet();
    }
}
