package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side of a flow as users write it in {@code explain} and in policy tests:
 * <ul>
 * <li>{@code world} or {@code host};</li>
 * <li>an address ({@code 10.1.0.5}, or a prefix, meaning its first address): the endpoint holding it, else the
 * outside;</li>
 * <li>{@code [network:]k=v,k=v}: a would-be endpoint with these labels (in that network, when given), so tests hold
 * for workloads before they start;</li>
 * <li>{@code network/id} or a bare endpoint id: an existing endpoint.</li>
 * </ul>
 */
public sealed interface FlowEnd {
    record Named(Entity entity) implements FlowEnd {
    }

    record Address(IpAddress address) implements FlowEnd {
    }

    record Labelled(String network, Map<String, String> labels) implements FlowEnd {
    }

    record EndpointRef(String network, String id) implements FlowEnd {
    }

    static FlowEnd parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("flow end is required: world, host, an address, labels or an endpoint");
        }
        String t = text.trim();
        if (t.equals("world")) {
            return new Named(Entity.WORLD);
        }
        if (t.equals("host")) {
            return new Named(Entity.HOST);
        }
        if (Character.isDigit(t.charAt(0)) || t.indexOf(':') != t.lastIndexOf(':')) {
            IpAddress ip = address(t);
            if (ip != null) {
                return new Address(ip);
            }
        }
        if (t.contains("=")) {
            String network = null;
            String rest = t;
            int colon = t.indexOf(':');
            if (colon > 0 && colon < t.indexOf('=')) {
                network = Names.network(t.substring(0, colon));
                rest = t.substring(colon + 1);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (String item : rest.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidInputException("'" + text + "': labels are k=v pairs separated by ','");
                }
                labels.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            }
            return new Labelled(network, Names.labels(labels));
        }
        int slash = t.indexOf('/');
        if (slash > 0) {
            return new EndpointRef(Names.network(t.substring(0, slash)), Names.endpoint(t.substring(slash + 1)));
        }
        try {
            return new EndpointRef(null, Names.endpoint(t));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("'" + text + "' is not world, host, an address, k=v labels or an endpoint");
        }
    }

    private static IpAddress address(String t) {
        try {
            return t.contains("/") ? Cidr.parse(t).base() : IpAddress.parse(t);
        } catch (InvalidInputException e) {
            return null;
        }
    }
}
