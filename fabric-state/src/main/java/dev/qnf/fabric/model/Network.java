package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.math.BigInteger;
import java.util.Map;

/**
 * A virtual network: an IPv4 prefix, optionally an IPv6 prefix (dual stack), gateways, MTU and NAT.
 * Its prefixes are cut into per-node blocks of {@code blockPrefix}/{@code blockPrefix6}.
 */
public record Network(String name, Cidr cidr, Cidr cidr6, IpAddress gateway, IpAddress gateway6, int mtu,
                      boolean nat, int blockPrefix, int blockPrefix6, boolean allowOverlap,
                      Map<String, String> labels) implements Resource {
    public static final int DEFAULT_MTU = 1500;
    public static final int DEFAULT_BLOCK_PREFIX = 26;
    public static final int DEFAULT_BLOCK_PREFIX6 = 122;
    /** Blocks larger than this would make per-block bookkeeping and scans expensive. */
    private static final int MAX_BLOCK_ADDRESSES_BITS = 16;

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * Builds a network from user input, filling defaults and checking everything that needs no state.
     * Nullable arguments take their defaults; {@code 0} block prefixes mean "default".
     */
    public static Network spec(String name, String cidr, String cidr6, String gateway, String gateway6,
                               Integer mtu, Boolean nat, Integer blockPrefix, Integer blockPrefix6,
                               Boolean allowOverlap, Map<String, String> labels) {
        Names.network(name);
        Cidr v4 = Cidr.parse(cidr);
        if (v4.family() != 4) {
            throw new InvalidInputException("cidr must be an IPv4 prefix; put IPv6 in cidr6");
        }
        Cidr v6 = null;
        if (cidr6 != null && !cidr6.isBlank()) {
            v6 = Cidr.parse(cidr6);
            if (v6.family() != 6) {
                throw new InvalidInputException("cidr6 must be an IPv6 prefix");
            }
            if (v6.prefix() > 126) {
                throw new InvalidInputException("cidr6 /" + v6.prefix() + " is too small; use /126 or larger");
            }
        }
        int m = mtu == null || mtu == 0 ? DEFAULT_MTU : mtu;
        if (m < 576 || m > 9216) {
            throw new InvalidInputException("mtu " + m + " out of range 576..9216");
        }
        if (v6 != null && m < 1280) {
            throw new InvalidInputException("mtu " + m + " is below 1280, the IPv6 minimum");
        }
        int bp = blockPrefix(v4, blockPrefix, DEFAULT_BLOCK_PREFIX, "blockPrefix");
        int bp6 = v6 == null ? DEFAULT_BLOCK_PREFIX6 : blockPrefix(v6, blockPrefix6, DEFAULT_BLOCK_PREFIX6, "blockPrefix6");
        IpAddress gw = gateway(v4, gateway, "gateway");
        IpAddress gw6 = v6 == null ? null : gateway(v6, gateway6, "gateway6");
        if (v6 == null && gateway6 != null && !gateway6.isBlank()) {
            throw new InvalidInputException("gateway6 given without cidr6");
        }
        return new Network(name, v4, v6, gw, gw6, m, nat != null && nat, bp, bp6,
                allowOverlap != null && allowOverlap, Names.labels(labels));
    }

    private static int blockPrefix(Cidr cidr, Integer requested, int dflt, String field) {
        if (requested == null || requested == 0) {
            // A network smaller than one default block is a single block.
            return Math.max(dflt, cidr.prefix());
        }
        if (requested < cidr.prefix() || requested > cidr.base().bits()) {
            throw new InvalidInputException(field + " /" + requested + " must be between the network's /"
                    + cidr.prefix() + " and /" + cidr.base().bits());
        }
        if (cidr.base().bits() - requested > MAX_BLOCK_ADDRESSES_BITS) {
            throw new InvalidInputException(field + " /" + requested + " is too large; at most "
                    + (1 << MAX_BLOCK_ADDRESSES_BITS) + " addresses per block");
        }
        return requested;
    }

    private static IpAddress gateway(Cidr cidr, String text, String field) {
        if (text == null || text.isBlank()) {
            return defaultGateway(cidr);
        }
        IpAddress gw = IpAddress.parse(text);
        if (!cidr.contains(gw)) {
            throw new InvalidInputException(field + " " + gw + " is outside " + cidr);
        }
        if (isNetworkOrBroadcast(cidr, gw)) {
            throw new InvalidInputException(field + " " + gw + " is the network or broadcast address of " + cidr);
        }
        return gw;
    }

    /** The first host address; /31 and /32 IPv4 networks are routed point-to-point and get no gateway. */
    private static IpAddress defaultGateway(Cidr cidr) {
        if (cidr.family() == 4 && cidr.prefix() >= 31) {
            return null;
        }
        return cidr.address(1);
    }

    /** Addresses no endpoint may get: IPv4 network and broadcast (below /31), the IPv6 subnet-router anycast. */
    public static boolean isNetworkOrBroadcast(Cidr cidr, IpAddress a) {
        if (cidr.family() == 4) {
            return cidr.prefix() < 31 && (a.equals(cidr.base()) || a.equals(cidr.last()));
        }
        return a.equals(cidr.base());
    }

    public boolean isReserved(IpAddress a) {
        Cidr c = a.family() == 4 ? cidr : cidr6;
        return c == null || isNetworkOrBroadcast(c, a) || a.equals(gateway) || a.equals(gateway6);
    }

    public Cidr prefixFor(int family) {
        return family == 4 ? cidr : cidr6;
    }

    public int blockPrefixFor(int family) {
        return family == 4 ? blockPrefix : blockPrefix6;
    }

    public BigInteger blockCount(int family) {
        Cidr c = prefixFor(family);
        return BigInteger.ONE.shiftLeft(blockPrefixFor(family) - c.prefix());
    }

    /** Same network apart from nothing: a retried create is answered with the existing network. */
    public boolean sameSpec(Network other) {
        return equals(other);
    }

    public static ResourceKey keyOf(String name) {
        return new ResourceKey(ResourceKey.NETWORK, name);
    }

    @Override
    public ResourceKey key() {
        return keyOf(name);
    }
}
