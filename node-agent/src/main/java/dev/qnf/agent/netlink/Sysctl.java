package dev.qnf.agent.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Network sysctls ({@code /proc/sys/net/...}) of the <em>calling thread's</em> network namespace: the kernel
 * resolves /proc/sys/net against the namespace of the task that opens the file, so call these inside
 * {@code NetNs.run} to act on a container's namespace. (Unlike a netlink socket, nothing here is bound to a
 * namespace in advance.)
 *
 * <p>Keys are slash-separated below /proc/sys ({@code net/ipv4/ip_forward}); a dotted key
 * ({@code net.ipv4.ip_forward}) is accepted too, but cannot name an interface with a dot in it, which is why the
 * typed helpers build slash keys.
 */
public final class Sysctl {
    private static final Pattern KEY = Pattern.compile("net(/[A-Za-z0-9_@.+-]+)+");
    private final Path root;

    Sysctl(Path root) {
        this.root = root;
    }

    /** The real /proc/sys. */
    public static Sysctl proc() {
        return new Sysctl(Path.of("/proc/sys"));
    }

    public String read(String key) {
        Path file = path(key);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("read sysctl " + file + ": " + e, e);
        }
    }

    public void write(String key, String value) {
        Path file = path(key);
        try {
            // One write(2) of the whole value: procfs parses each write on its own.
            Files.write(file, (value + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("write sysctl " + file + " = " + value + ": " + e, e);
        }
    }

    /** net.ipv4.ip_forward, or net.ipv6.conf.all.forwarding for family 6. */
    public void setForwarding(int family, boolean on) {
        String key = switch (family) {
            case 4 -> "net/ipv4/ip_forward";
            case 6 -> "net/ipv6/conf/all/forwarding";
            default -> throw new IllegalArgumentException("address family must be 4 or 6, not " + family);
        };
        write(key, on ? "1" : "0");
    }

    /** net.ipv6.conf.LINK.disable_ipv6 ("all" and "default" are accepted as LINK). */
    public void setDisableIpv6(String link, boolean disabled) {
        write("net/ipv6/conf/" + confName(link) + "/disable_ipv6", disabled ? "1" : "0");
    }

    /** net.ipv6.conf.LINK.accept_dad: 0 off, 1 on, 2 on and disable IPv6 on a duplicate link-local address. */
    public void setAcceptDad(String link, int mode) {
        if (mode < 0 || mode > 2) {
            throw new IllegalArgumentException("accept_dad is 0, 1 or 2, not " + mode);
        }
        write("net/ipv6/conf/" + confName(link) + "/accept_dad", Integer.toString(mode));
    }

    /** IFLA_INET6_ADDR_GEN_MODE / addr_gen_mode: the link-local (and SLAAC) interface identifier from the MAC. */
    public static final int ADDR_GEN_EUI64 = 0;

    /**
     * net.ipv6.conf.LINK.addr_gen_mode: how the kernel makes the link's interface identifiers when it comes up
     * (0 EUI-64 from the MAC, 1 none, 2 stable privacy, 3 random). Returns false, changing nothing, when the
     * namespace has no IPv6 configuration for the link (IPv6 disabled at boot).
     */
    public boolean setAddrGenMode(String link, int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("addr_gen_mode is 0, 1, 2 or 3, not " + mode);
        }
        String key = "net/ipv6/conf/" + confName(link) + "/addr_gen_mode";
        if (!Files.exists(path(key))) {
            return false;
        }
        write(key, Integer.toString(mode));
        return true;
    }

    /** net.ipv4.conf.LINK.route_localnet: allow 127/8 as source or destination on LINK (needed for DNAT to it). */
    public void setRouteLocalnet(String link, boolean on) {
        write("net/ipv4/conf/" + confName(link) + "/route_localnet", on ? "1" : "0");
    }

    private static String confName(String link) {
        return "all".equals(link) || "default".equals(link) ? link : Wire.linkName(link);
    }

    Path path(String key) {
        String k = key.indexOf('/') < 0 ? key.replace('.', '/') : key;
        if (!KEY.matcher(k).matches() || k.contains("/../") || k.endsWith("/..") || k.contains("/./")) {
            throw new IllegalArgumentException("'" + key + "' is not a network sysctl key (want net/...)");
        }
        return root.resolve(k);
    }
}
