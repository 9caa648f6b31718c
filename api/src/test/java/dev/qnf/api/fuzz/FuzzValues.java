package dev.qnf.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile values for the API fuzzer, all drawn from one seeded {@link Random} so that a failure replays: bad CIDRs
 * and addresses, names the model refuses, huge and odd strings, wrong JSON types, and mutations of a valid-looking
 * JSON body (field dropped, nulled, retyped, replaced, an unknown field added).
 */
final class FuzzValues {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] BAD_TEXT = {
            "10.0.0.0/33", "300.1.1.1/24", "::/129", "10.0.0.0/-1", "10.0.0.0/", "/24", "10.0.0.0/24/24",
            "1.2.3.4.5/8", "fe80::zz/64", "0.0.0.0/0", "255.255.255.255/32", "10.0.0.1", "10.0.0.0/8x",
            "999.999.999.999", "::ffff:300.1.1.1", "a/b", "has space", "dot.", ".", "..", "../etc", "%2e%2e",
            "UPPER", "-lead", "trail-", "", " ", "\t", "\u0000", "\u202e rtl", "日本語", "emoji\uD83D\uDE00",
            "\uD800", "x".repeat(256), "y".repeat(64), "z".repeat(70_000), "null", "true", "{}", "[]",
            "a:b", "a=b", "a,b", "$(rm -rf)", "'; drop table", "\\", "\"", "tcp", "deny", "In", "ingress",
            "00:11:22:33:44:55", "zz:zz", "eth0", "eth0 with space", "-1", "2147483648", "1e309", "NaN"};
    private static final long[] BAD_NUMBERS = {-1, 0, 1, 65535, 65536, 70_000, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 2_147_483_648L, Long.MAX_VALUE, Long.MIN_VALUE, 129, 33, 7, 128};

    /** Values of {@code ?since=} (a revision or an ISO-8601 time) at and over the edges of both. */
    private static final String[] BAD_SINCE = {"-1", "0", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999", "1e3", "0x10", "+5", " 12", "\u0663", "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00+25:00", "2026-01-01", "2026-01-01T00:00:00", "+1000000-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "-292275055-05-16T16:47:04Z",
            "1970-01-01T00:00:00Z", "yesterday", "now"};

    private final Random random;

    FuzzValues(Random random) {
        this.random = random;
    }

    <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    String badText() {
        return chance(85) ? pick(BAD_TEXT) : randomText(random.nextInt(40));
    }

    /** A hostile {@code since} value, URL-encoded for a query. */
    String badSince() {
        String s = chance(70) ? pick(BAD_SINCE) : badText();
        return java.net.URLEncoder.encode(s.length() > 4000 ? s.substring(0, 300) : s,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A text that is a bad path segment yet still a valid URI segment. */
    String badSegment() {
        String s = chance(70) ? pick(BAD_TEXT) : randomText(1 + random.nextInt(20));
        if (s.length() > 4000) {
            s = s.substring(0, 300);   // URIs: keep the request line readable, still over every name limit
        }
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.isEmpty() || out.toString().equals(".") || out.toString().equals("..") ? "%20" : out.toString();
    }

    String randomText(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            s.appendCodePoint(kind < 6 ? 'a' + random.nextInt(26) : kind < 8 ? 0x20 + random.nextInt(95)
                    : kind < 9 ? 0xa0 + random.nextInt(0x2000) : 0x1F600 + random.nextInt(80));
        }
        return s.toString();
    }

    /** Any JSON value, usually of the wrong type for where it lands. */
    JsonNode anyValue(int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 8)) {
            case 0 -> F.nullNode();
            case 1 -> F.textNode(badText());
            case 2 -> F.numberNode(pick(toObjects()));
            case 3 -> F.numberNode(random.nextDouble() * 1e12 - 5e11);
            case 4 -> F.booleanNode(random.nextBoolean());
            case 5 -> F.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(30))));
            case 6 -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(anyValue(depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(chance(50) ? badText() : "k" + i, anyValue(depth + 1));
                }
                yield o;
            }
        };
    }

    private Long[] toObjects() {
        Long[] out = new Long[BAD_NUMBERS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = BAD_NUMBERS[i];
        }
        return out;
    }

    long badNumber() {
        return BAD_NUMBERS[random.nextInt(BAD_NUMBERS.length)];
    }

    /** One to three mutations somewhere in a deep copy of {@code template}. */
    JsonNode mutate(JsonNode template) {
        JsonNode copy = template.deepCopy();
        if (!copy.isContainerNode()) {
            return anyValue(0);
        }
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            mutateOne(copy);
        }
        return copy;
    }

    private void mutateOne(JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = pick(containers);
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            int op = random.nextInt(5);
            if (names.isEmpty() || op == 0) {
                o.set(chance(50) ? "unknownField" : badText(), anyValue(1));
            } else {
                String name = pick(names);
                switch (op) {
                    case 1 -> o.remove(name);
                    case 2 -> o.putNull(name);
                    case 3 -> o.put(name, badText());
                    default -> o.set(name, anyValue(1));
                }
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || chance(50)) {
                a.add(anyValue(1));
            } else {
                a.set(random.nextInt(a.size()), anyValue(1));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    /** Syntactically broken JSON made from a valid text: cut, a stray character, or an unbalanced bracket. */
    String breakSyntax(String json) {
        return switch (random.nextInt(6)) {
            case 0 -> json.substring(0, random.nextInt(Math.max(1, json.length())));
            case 1 -> {
                int at = random.nextInt(json.length() + 1);
                yield json.substring(0, at) + pick(new String[]{"{", "}", "[", "]", ",", ":", "\"", "\\", "'",
                        "\u0000", "NaN", "//", "/*"}) + json.substring(at);
            }
            case 2 -> json + json;
            case 3 -> "{" + json;
            case 4 -> json.replace('"', '\'');
            default -> randomText(random.nextInt(64));
        };
    }

    /** {@code depth} nested arrays or objects, unclosed when {@code closed} is false. */
    static String nested(int depth, boolean objects, boolean closed) {
        StringBuilder s = new StringBuilder(depth * 8);
        String open = objects ? "{\"a\":" : "[";
        s.append(open.repeat(depth)).append("1");
        if (closed) {
            s.append((objects ? "}" : "]").repeat(depth));
        }
        return s.toString();
    }
}
