package dev.qnf.agent.dns;

import dev.qnf.fabric.net.IpAddress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream resolvers from a resolv.conf. Skipped: the server's own addresses and loopback or wildcard addresses.
 * The server runs in the host's namespace, but it must never forward to itself, and a loopback stub
 * (systemd-resolved's 127.0.0.53, dnsmasq's 127.0.0.1) is often itself configured to ask us, or runs in a
 * namespace the forwarder does not share. When the file names only loopback stubs, systemd-resolved's list of real
 * upstreams ({@link #SYSTEMD_RESOLV_CONF}) is used instead, as Docker does.
 */
public final class Upstreams {
    public static final Path SYSTEMD_RESOLV_CONF = Path.of("/run/systemd/resolve/resolv.conf");
    /**
     * IPv6 literals, optionally with a zone. With a ':' in it the JDK parses a literal or fails, never looks it up;
     * IPv4 goes through {@link IpAddress#parse}, which is strict (InetAddress would resolve "1.2.3.999" as a name).
     */
    private static final Pattern V6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

    private Upstreams() {
    }

    /** Reads {@code resolvConf}, falling back to {@code fallback} when it names only loopback stubs. */
    public static List<InetSocketAddress> discover(Path resolvConf, Path fallback, Collection<InetAddress> own)
            throws IOException {
        String text = Files.readString(resolvConf);
        List<InetSocketAddress> found = parse(text, own);
        if (found.isEmpty() && hasLoopback(text) && fallback != null && Files.isReadable(fallback)) {
            return parse(Files.readString(fallback), own);
        }
        return found;
    }

    /** The usable {@code nameserver} entries of a resolv.conf text, in order, on port 53. */
    public static List<InetSocketAddress> parse(String resolvConf, Collection<InetAddress> own) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : nameservers(resolvConf)) {
            if (a.isLoopbackAddress() || a.isAnyLocalAddress() || own.contains(a)) {
                continue;
            }
            InetSocketAddress s = new InetSocketAddress(a, DnsServerConfig.DNS_PORT);
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean hasLoopback(String resolvConf) {
        return nameservers(resolvConf).stream().anyMatch(InetAddress::isLoopbackAddress);
    }

    private static List<InetAddress> nameservers(String resolvConf) {
        List<InetAddress> out = new ArrayList<>();
        for (String line : resolvConf.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || !f[0].equals("nameserver")) {
                continue;
            }
            try {
                if (V6_LITERAL.matcher(f[1]).matches()) {
                    out.add(InetAddress.getByName(f[1]));
                } else {
                    out.add(DnsRecords.inet(IpAddress.parse(f[1])));
                }
            } catch (UnknownHostException | IllegalArgumentException e) {
                // not an address literal, or an unknown IPv6 zone: unusable, and glibc would skip it too
            }
        }
        return out;
    }
}
