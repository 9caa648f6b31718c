package dev.qnf.fabric.net;

import dev.qnf.fabric.InvalidInputException;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Where a WireGuard peer listens: an IP literal and a UDP port. Written {@code 192.0.2.1:51820} or
 * {@code [2001:db8::1]:51820}, as the UAPI and {@code wg} write it. No host names: an endpoint must not depend on
 * DNS answering, and every replica must read the same thing from it.
 */
public record UdpEndpoint(IpAddress ip, int port) {
    public UdpEndpoint {
        if (ip == null) {
            throw new InvalidInputException("endpoint address is missing");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("endpoint port " + port + " out of range 1..65535");
        }
    }

    public static UdpEndpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("endpoint is empty: want HOST:PORT with HOST an IP address");
        }
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new InvalidInputException("endpoint '" + s + "' is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new InvalidInputException("endpoint '" + s + "': write an IPv6 address in brackets, [addr]:port");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("endpoint '" + s + "': port is not a number");
        }
        return new UdpEndpoint(IpAddress.parse(host), port);
    }

    /** The address in network byte order, 4 or 16 bytes. */
    public byte[] addressBytes() {
        return bytesOf(ip);
    }

    public static byte[] bytesOf(IpAddress ip) {
        int len = ip.bits() / 8;
        byte[] raw = ip.value().toByteArray();
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        return out;
    }

    public static IpAddress fromBytes(byte[] raw) {
        return IpAddress.of(raw.length == 4 ? 4 : 6, new BigInteger(1, Arrays.copyOf(raw, raw.length)));
    }

    @Override
    public String toString() {
        return ip.family() == 6 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
