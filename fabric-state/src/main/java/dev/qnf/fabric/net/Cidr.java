package dev.qnf.fabric.net;

import dev.qnf.fabric.InvalidInputException;

import java.math.BigInteger;

/** A network prefix. The base address has no host bits set: "10.0.0.1/24" is refused, not silently masked. */
public record Cidr(IpAddress base, int prefix) implements Comparable<Cidr> {

    public Cidr {
        if (prefix < 0 || prefix > base.bits()) {
            throw new InvalidInputException("prefix /" + prefix + " out of range for IPv" + base.family());
        }
        if (!base.value().and(hostMask(base.bits(), prefix)).equals(BigInteger.ZERO)) {
            IpAddress masked = IpAddress.of(base.family(), base.value().andNot(hostMask(base.bits(), prefix)));
            throw new InvalidInputException("'" + base + "/" + prefix + "' has host bits set; did you mean "
                    + masked + "/" + prefix + "?");
        }
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("CIDR is empty");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("'" + s + "' is not a CIDR (want ADDRESS/PREFIX, e.g. 10.0.0.0/24)");
        }
        IpAddress base = IpAddress.parse(s.substring(0, slash));
        String p = s.substring(slash + 1);
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
            throw new InvalidInputException("'" + s + "' has a bad prefix length '" + p + "'");
        }
        return new Cidr(base, Integer.parseInt(p));
    }

    /** The prefix of the given length that contains {@code address}. */
    public static Cidr containing(IpAddress address, int prefix) {
        return new Cidr(IpAddress.of(address.family(),
                address.value().andNot(hostMask(address.bits(), prefix))), prefix);
    }

    private static BigInteger hostMask(int bits, int prefix) {
        return BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    }

    public int family() {
        return base.family();
    }

    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(base.bits() - prefix);
    }

    public IpAddress last() {
        return base.plus(size().subtract(BigInteger.ONE));
    }

    public IpAddress address(long offset) {
        return base.plus(offset);
    }

    public boolean contains(IpAddress a) {
        return a.family() == family() && a.compareTo(base) >= 0 && a.compareTo(last()) <= 0;
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && contains(other.base);
    }

    public boolean overlaps(Cidr other) {
        return family() == other.family() && (contains(other.base) || other.contains(base));
    }

    /** The i-th sub-prefix of length {@code subPrefix} (i from 0). */
    public Cidr subnet(int subPrefix, BigInteger index) {
        return new Cidr(base.plus(index.shiftLeft(base.bits() - subPrefix)), subPrefix);
    }

    @Override
    public int compareTo(Cidr o) {
        int c = base.compareTo(o.base);
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    @Override
    public String toString() {
        return base + "/" + prefix;
    }
}
