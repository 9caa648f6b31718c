package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.IpAddress;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Conversions between QNF values and their kernel byte forms: addresses in network order, MACs, link names. */
final class Wire {
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    private Wire() {
    }

    static int af(int family) {
        return switch (family) {
            case 4 -> NetlinkConstants.AF_INET;
            case 6 -> NetlinkConstants.AF_INET6;
            default -> throw new IllegalArgumentException("address family must be 4 or 6, not " + family);
        };
    }

    static int family(int af) {
        return switch (af) {
            case NetlinkConstants.AF_INET -> 4;
            case NetlinkConstants.AF_INET6 -> 6;
            default -> throw new IllegalArgumentException("not an IP address family: " + af);
        };
    }

    /** The address in network byte order: 4 or 16 bytes. */
    static byte[] bytes(IpAddress ip) {
        int length = ip.bits() / 8;
        byte[] raw = ip.value().toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    static IpAddress ip(int af, byte[] networkOrder) {
        int family = family(af);
        if (networkOrder.length != (family == 4 ? 4 : 16)) {
            throw new IllegalArgumentException("IPv" + family + " address of " + networkOrder.length + " bytes");
        }
        return IpAddress.of(family, new BigInteger(1, networkOrder));
    }

    /** "aa:bb:cc:dd:ee:ff" to 6 bytes; anything else is refused. */
    static byte[] mac(String text) {
        if (text == null || !MAC.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (want aa:bb:cc:dd:ee:ff)");
        }
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    /** Lower-case colon-separated hex, "" for a link without an address. */
    static String mac(byte[] raw) {
        return HexFormat.ofDelimiter(":").formatHex(raw);
    }

    /** The kernel's dev_valid_name: 1..15 bytes, not "." or "..", no '/', ':' or white space. */
    static String linkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= NetlinkConstants.IFNAMSIZ
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("'" + name + "' is not a valid link name (1-15 bytes, no '/', ':'"
                    + " or white space)");
        }
        return name;
    }

    /** Positive; the upper and lower bounds depend on the device, so the kernel checks those (and says so). */
    static int mtu(int mtu) {
        if (mtu <= 0) {
            throw new IllegalArgumentException("MTU must be positive, not " + mtu);
        }
        return mtu;
    }
}
