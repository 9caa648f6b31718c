package dev.qnf.agent.dns;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.xbill.DNS.Name;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A name under in-addr.arpa or ip6.arpa read as an address prefix: {@code 5.1.10.in-addr.arpa} is 10.1.5.0/24.
 * {@code units} are the leading labels (from the top) that are valid octets or nibbles; {@code extra} counts the
 * labels below them, which no address has ({@code x.4.3.2.1.in-addr.arpa}).
 */
record ReverseName(int family, List<String> units, int extra) {
    /** Null when {@code name} is not under a reverse tree or its top label is no octet or nibble. */
    static ReverseName parse(Name name) {
        int n = name.labels(); // the root counts as the last, empty label
        if (n < 3 || !label(name, n - 2).equalsIgnoreCase("arpa")) {
            return null;
        }
        String tree = label(name, n - 3);
        int family = tree.equalsIgnoreCase("in-addr") ? 4 : tree.equalsIgnoreCase("ip6") ? 6 : 0;
        if (family == 0) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        for (int i = n - 4; i >= 0; i--) { // from the top down
            labels.add(label(name, i).toLowerCase(Locale.ROOT));
        }
        int max = family == 4 ? 4 : 32;
        int k = 0;
        while (k < labels.size() && k < max && validUnit(family, labels.get(k))) {
            k++;
        }
        return k == 0 ? null : new ReverseName(family, List.copyOf(labels.subList(0, k)), labels.size() - k);
    }

    /** The raw label, unescaped: a label "1.2" must not read as two labels. */
    private static String label(Name name, int i) {
        byte[] wire = name.getLabel(i);
        return new String(wire, 1, wire[0] & 0xff, StandardCharsets.ISO_8859_1);
    }

    private static boolean validUnit(int family, String label) {
        if (family == 6) {
            return label.length() == 1 && Character.digit(label.charAt(0), 16) >= 0;
        }
        return label.matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(label) <= 255;
    }

    int bitsPerUnit() {
        return family == 4 ? 8 : 4;
    }

    int prefixLength() {
        return units.size() * bitsPerUnit();
    }

    boolean isAddress() {
        return prefixLength() == (family == 4 ? 32 : 128) && extra == 0;
    }

    /** The prefix this name covers. */
    Cidr prefix() {
        BigInteger v = BigInteger.ZERO;
        int bits = bitsPerUnit();
        for (String u : units) {
            v = v.shiftLeft(bits).add(BigInteger.valueOf(Integer.parseInt(u, family == 4 ? 10 : 16)));
        }
        int total = family == 4 ? 32 : 128;
        return new Cidr(IpAddress.of(family, v.shiftLeft(total - prefixLength())), prefixLength());
    }

    /** The reverse name of the first {@code bits} bits of this name (a multiple of the unit size). */
    Name truncated(int bits) {
        int n = bits / bitsPerUnit();
        List<String> top = new ArrayList<>(units.subList(0, n));
        Collections.reverse(top);
        String suffix = family == 4 ? "in-addr.arpa" : "ip6.arpa";
        return DnsRecords.absolute(top.isEmpty() ? suffix : String.join(".", top) + "." + suffix);
    }
}
