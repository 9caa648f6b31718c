package dev.qnf.fabric.net;

import dev.qnf.fabric.InvalidInputException;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as a number, so that blocks and offsets are plain arithmetic.
 * Parsing accepts literals only: a host name is an error, never a DNS lookup.
 */
public record IpAddress(int family, BigInteger value) implements Comparable<IpAddress> {
    private static final BigInteger MAX_V4 = BigInteger.ONE.shiftLeft(32);
    private static final BigInteger MAX_V6 = BigInteger.ONE.shiftLeft(128);

    public IpAddress {
        if (family != 4 && family != 6) {
            throw new InvalidInputException("address family must be 4 or 6, not " + family);
        }
        if (value.signum() < 0 || value.compareTo(family == 4 ? MAX_V4 : MAX_V6) >= 0) {
            throw new InvalidInputException("address value out of range for IPv" + family);
        }
    }

    public static IpAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("address is empty");
        }
        String s = text.trim();
        if (s.indexOf(':') >= 0) {
            return parseV6(s);
        }
        return parseV4(s);
    }

    private static IpAddress parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidInputException("'" + s + "' is not an IPv4 address (want four dotted numbers)");
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new InvalidInputException("'" + s + "' is not an IPv4 address (bad octet '" + p + "')");
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new InvalidInputException("'" + s + "' is not an IPv4 address (octet " + octet + " > 255)");
            }
            v = (v << 8) | octet;
        }
        return new IpAddress(4, BigInteger.valueOf(v));
    }

    private static IpAddress parseV6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+") || s.length() > 45) {
            throw new InvalidInputException("'" + s + "' is not an IPv6 address");
        }
        try {
            // Safe: with only hex digits, colons and dots InetAddress parses a literal and never resolves a name.
            byte[] bytes = InetAddress.getByName(s).getAddress();
            if (bytes.length == 4) {
                // an IPv4-mapped literal (::ffff:a.b.c.d) collapses to IPv4 in the JDK; keep it IPv6
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                bytes = mapped;
            }
            return new IpAddress(6, new BigInteger(1, bytes));
        } catch (UnknownHostException | RuntimeException e) {
            throw new InvalidInputException("'" + s + "' is not an IPv6 address");
        }
    }

    public static IpAddress of(int family, BigInteger value) {
        return new IpAddress(family, value);
    }

    public int bits() {
        return family == 4 ? 32 : 128;
    }

    public IpAddress plus(long offset) {
        return new IpAddress(family, value.add(BigInteger.valueOf(offset)));
    }

    public IpAddress plus(BigInteger offset) {
        return new IpAddress(family, value.add(offset));
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Integer.compare(family, o.family);
        return c != 0 ? c : value.compareTo(o.value);
    }

    @Override
    public String toString() {
        if (family == 4) {
            long v = value.longValue();
            return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
        }
        return formatV6();
    }

    /** RFC 5952 text: lower case, the longest run of two or more zero groups shortened to "::". */
    private String formatV6() {
        int[] groups = new int[8];
        BigInteger v = value;
        for (int i = 7; i >= 0; i--) {
            groups[i] = v.intValue() & 0xffff;
            v = v.shiftRight(16);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
