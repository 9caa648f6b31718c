package dev.qnf.api.service;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.RegisterNode;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.NodeMesh;
import dev.qnf.fabric.net.IpAddress;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A node registering or renewing itself. Addresses are IP literals (stored canonically), the public key is base64,
 * and the lease defaults to {@link #DEFAULT_LEASE_SECONDS}.
 */
public record NodeInput(String name, String site, List<String> addresses, String publicKey, Integer leaseSeconds,
                        NodeMesh mesh) {
    public static final int DEFAULT_LEASE_SECONDS = 60;
    public static final int MAX_LEASE_SECONDS = 86_400;
    private static final int MAX_ADDRESSES = 16;
    private static final Pattern SITE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/=_-]{0,1024}");

    public NodeInput(String name, String site, List<String> addresses, String publicKey, Integer leaseSeconds) {
        this(name, site, addresses, publicKey, leaseSeconds, null);
    }

    /** The server's clock stamps the lease: apply never reads one. */
    RegisterNode toCommand(Clock clock) {
        Names.node(name);
        if (site != null && !site.isEmpty() && !SITE.matcher(site).matches()) {
            throw new InvalidInputException("site '" + abbreviate(site) + "' is invalid: want a DNS label");
        }
        List<String> addrs = addresses == null ? List.of() : addresses;
        if (addrs.size() > MAX_ADDRESSES) {
            throw new InvalidInputException("at most " + MAX_ADDRESSES + " addresses, got " + addrs.size());
        }
        List<String> canonical = addrs.stream().map(a -> IpAddress.parse(a).toString()).toList();
        if (publicKey != null && !KEY.matcher(publicKey).matches()) {
            throw new InvalidInputException("publicKey must be base64 text of at most 1024 characters");
        }
        int lease = leaseSeconds == null ? DEFAULT_LEASE_SECONDS : leaseSeconds;
        if (lease < 1 || lease > MAX_LEASE_SECONDS) {
            throw new InvalidInputException("leaseSeconds " + lease + " out of range 1.." + MAX_LEASE_SECONDS);
        }
        NodeMesh canonicalMesh = mesh == null ? null : mesh.canonical();
        if (canonicalMesh != null && (publicKey == null || publicKey.isEmpty())) {
            throw new InvalidInputException("a node in the mesh must publish its publicKey");
        }
        long expires = clock.millis() + lease * 1000L;
        return new RegisterNode(new Node(name, site, canonical, publicKey, expires, canonicalMesh));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
