package dev.qnf.agent.nft;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The nft objects of one QNF table, by name and in creation order: what the compiler renders, and (without rules or
 * elements) what adoption reads back from the kernel to compare with it.
 */
final class Layout {
    private Layout() {
    }

    /** A base chain's hook. QNF's base chains always have policy accept: QNF never decides for others' traffic. */
    record Hook(String type, String hook, String priority, int prio) {
        String render() {
            return "{ type " + type + " hook " + hook + " priority " + priority + "; policy accept; }";
        }

        boolean sameAs(Hook other) {
            return other != null && type.equals(other.type) && hook.equals(other.hook) && prio == other.prio;
        }
    }

    /** A chain; {@code hook} is null for a regular chain, reached only by jump or goto. */
    record Chain(String name, Hook hook, List<String> rules) {
    }

    /**
     * A named set ({@code dataType} null) or map. Elements map a rendered key to a rendered value ("" in a set).
     * Types are written the way nft's JSON output spells them ("inet_proto . inet_service"), so what adoption reads
     * compares with what the compiler writes. {@code typeOf}, when not null, declares the key by expression
     * ("iifname . @th,64,128") where no type names it: nft's JSON then lists the key as {@code keyType}
     * ("ifname . integer").
     */
    record NftSet(String name, String keyType, String dataType, Set<String> flags, Map<String, String> elements,
                  String typeOf) {
        NftSet(String name, String keyType, String dataType, Set<String> flags, Map<String, String> elements) {
            this(name, keyType, dataType, flags, elements, null);
        }

        String kind() {
            return dataType == null ? "set" : "map";
        }

        String spec() {
            String key = typeOf != null ? "typeof " + typeOf : "type " + keyType;
            return "{ " + key + (dataType == null ? "" : " : " + dataType) + "; "
                    + (flags.isEmpty() ? "" : "flags " + String.join(", ", flags) + "; ") + "}";
        }

        boolean sameSpec(NftSet other) {
            return keyType.equals(other.keyType) && Objects.equals(dataType, other.dataType)
                    && flags.equals(other.flags);
        }
    }

    /**
     * A table: "inet qnf", "ip qnf-nat" or "ip6 qnf-nat". {@code counters}: named counters (policy verdicts), which
     * keep counting across rewrites of the table because "flush table" leaves them alone.
     */
    record Table(String id, Map<String, Chain> chains, Map<String, NftSet> sets, Set<String> counters) {
        Table(String id, Map<String, Chain> chains, Map<String, NftSet> sets) {
            this(id, chains, sets, Set.of());
        }
    }
}
