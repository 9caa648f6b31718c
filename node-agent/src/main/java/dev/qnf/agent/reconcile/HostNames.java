package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.Link;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names and MACs QNF gives host objects. Deterministic, so a restarted agent (or a DEL without a record) finds
 * what an earlier run made, and prefixed, so garbage collection never touches anything else.
 */
public final class HostNames {
    /** Bridges: {@code qnf-<network>}; Linux names are at most 15 bytes. */
    public static final String BRIDGE_PREFIX = "qnf-";
    /** Host ends of container veths: {@code qv} + 12 hex digits of a hash of the endpoint's key. */
    public static final String VETH_PREFIX = "qv";
    private static final int IFNAMSIZ = 15;

    private HostNames() {
    }

    /** {@code qnf-<network>}, or {@code qnf-<first 6>-<4 hex of a hash>} when that is longer than 15 bytes. */
    public static String bridge(String network) {
        String plain = BRIDGE_PREFIX + network;
        if (plain.length() <= IFNAMSIZ) {
            return plain;
        }
        return BRIDGE_PREFIX + network.substring(0, 6) + "-" + digest(network, 4);
    }

    /** The host end of the veth of endpoint {@code endpoint} in {@code network}. */
    public static String veth(String network, String endpoint) {
        return VETH_PREFIX + digest(network + "/" + endpoint, 12);
    }

    /** The bridge's MAC, pinned so that the gateway's MAC does not follow its lowest port; null without IPv4 gateway. */
    public static String bridgeMac(Network network) {
        return network.gateway() == null ? null : Endpoint.macFor(network.gateway());
    }

    public static boolean isQnfBridge(Link link) {
        return link.isBridge() && link.name().startsWith(BRIDGE_PREFIX);
    }

    public static boolean isQnfVeth(Link link) {
        return "veth".equals(link.kind()) && link.name().startsWith(VETH_PREFIX)
                && link.name().length() == VETH_PREFIX.length() + 12;
    }

    /** The first {@code hexDigits} hex digits of the SHA-256 of {@code s}. */
    public static String digest(String s, int hexDigits) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
