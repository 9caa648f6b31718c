package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A unicast route in the main table.
 *
 * @param destination the prefix; the default route is 0.0.0.0/0 or ::/0 ({@link #isDefault()})
 * @param gateway     next hop, or null for a route straight out of {@code device}
 * @param device      output link name; may be null only when there is a gateway (the kernel then picks the link)
 * @param metric      RTA_PRIORITY; 0 means "the kernel's default", which is 0 for IPv4 and 1024 for IPv6 (so an
 *                    IPv6 route added with 0 is listed with 1024)
 */
public record Route(Cidr destination, IpAddress gateway, String device, int metric) {
    public Route {
        Objects.requireNonNull(destination, "destination");
        if (gateway != null && gateway.family() != destination.family()) {
            throw new IllegalArgumentException("gateway " + gateway + " is not IPv" + destination.family());
        }
        if (gateway == null && device == null) {
            throw new IllegalArgumentException("route to " + destination + " needs a gateway or a device");
        }
        if (device != null) {
            Wire.linkName(device);
        }
        if (metric < 0) {
            throw new IllegalArgumentException("metric must not be negative, not " + metric);
        }
    }

    /** 0.0.0.0/0 or ::/0 via {@code gateway}. */
    public static Route defaultVia(IpAddress gateway, String device) {
        return new Route(defaultDestination(gateway.family()), gateway, device, 0);
    }

    public static Route via(Cidr destination, IpAddress gateway, String device) {
        return new Route(destination, gateway, device, 0);
    }

    /** A route with no gateway: the destination is on the link. */
    public static Route onLink(Cidr destination, String device) {
        return new Route(destination, null, device, 0);
    }

    public static Cidr defaultDestination(int family) {
        return new Cidr(IpAddress.of(family, BigInteger.ZERO), 0);
    }

    public Route withMetric(int metric) {
        return new Route(destination, gateway, device, metric);
    }

    public int family() {
        return destination.family();
    }

    public boolean isDefault() {
        return destination.prefix() == 0;
    }

    @Override
    public String toString() {
        return (isDefault() ? "default" : destination.toString()) + (gateway == null ? "" : " via " + gateway)
                + (device == null ? "" : " dev " + device) + (metric == 0 ? "" : " metric " + metric);
    }
}
