package dev.qnf.agent.testing;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyDefaultView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.fabric.policy.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A fabric that changes at random, one watch event at a time, the way the agent's view does: endpoints come, go, are
 * relabelled or readdressed (sometimes onto an address another endpoint holds), on this node or elsewhere;
 * identities come and go (so some endpoints have none yet), policies and network defaults are put and deleted, a
 * network comes and goes. For the tests that check an incremental computation against a fresh one: seeded, so a
 * failure names the seed and step that reproduce it.
 */
public final class RandomFabric {
    public static final String NODE = "n1";
    static final List<String> APPS = List.of("web", "db", "cache", "client", "batch");
    static final List<String> TIERS = List.of("front", "back");

    private final Random random;
    /** Whether labels also carry what DNS reads: aliases, SRV labels, upper-case and invalid names. */
    private final boolean dnsLabels;
    private FabricView view;
    private final Map<String, AllocationView> endpoints = new TreeMap<>(); // "net/id" → allocation
    private final Map<String, Long> identities = new TreeMap<>();          // "net|labels" → id
    private final List<String> policies = new ArrayList<>();
    private final List<AllocationView> removed = new ArrayList<>(); // deleted endpoints, some of them added again
    private long nextIdentity = 256;
    private int nextEndpoint;
    private boolean bPresent = true;

    public RandomFabric(long seed) {
        this(seed, false);
    }

    /** With {@code dnsLabels}, endpoints' labels also give aliases, SRV records and names DNS must refuse. */
    public RandomFabric(long seed, boolean dnsLabels) {
        random = new Random(seed);
        this.dnsLabels = dnsLabels;
        view = FabricView.of(new ViewSnapshot(1, List.of(network("a"), network("b")), List.of(), List.of(),
                List.of(), Map.of()));
        for (int i = 0; i < 20; i++) {
            addEndpoint();
        }
    }

    public FabricView view() {
        return view;
    }

    /** One random change; returns what it was, for the failure message. */
    public String step() {
        int dice = random.nextInt(100);
        if (dice < 25) {
            return addEndpoint();
        }
        if (dice < 35 && !endpoints.isEmpty()) {
            String key = pick(new ArrayList<>(endpoints.keySet()));
            removed.add(endpoints.remove(key));
            return send(WatchMessage.Event.DELETE, "endpoint/" + key, null);
        }
        if (dice < 50 && !endpoints.isEmpty()) {
            String key = pick(new ArrayList<>(endpoints.keySet()));
            AllocationView e = endpoints.get(key);
            AllocationView relabelled = new AllocationView(e.network(), e.endpoint(), e.ip(), e.ip6(), e.node(),
                    e.containerId(), e.ifName(), e.mac(), labels(), null);
            return put(relabelled, "relabel");
        }
        if (dice < 57 && !endpoints.isEmpty()) {
            String key = pick(new ArrayList<>(endpoints.keySet()));
            AllocationView e = endpoints.get(key);
            // sometimes onto an address another endpoint of the network holds: the view is briefly inconsistent;
            // sometimes onto this node or away from it
            String node = switch (random.nextInt(4)) {
                case 0 -> NODE;
                case 1 -> "elsewhere";
                default -> e.node();
            };
            AllocationView moved = new AllocationView(e.network(), e.endpoint(), address(e.network()),
                    e.ip6() == null ? null : address6(e.network()), node,
                    e.containerId(), e.ifName(), e.mac(), e.labels(), null);
            return put(moved, "readdress");
        }
        if (dice < 67) {
            return identity();
        }
        if (dice < 87) {
            return policy();
        }
        if (dice < 94) {
            String net = random.nextBoolean() ? "a" : "b";
            return random.nextBoolean()
                    ? send(WatchMessage.Event.PUT, "policy-default/" + net, new PolicyDefaultView(net,
                    random.nextBoolean() ? "allow" : "deny"))
                    : send(WatchMessage.Event.DELETE, "policy-default/" + net, null);
        }
        bPresent = !bPresent;
        return bPresent ? send(WatchMessage.Event.PUT, "network/b", network("b"))
                : send(WatchMessage.Event.DELETE, "network/b", null);
    }

    private String addEndpoint() {
        if (!removed.isEmpty() && random.nextInt(4) == 0) { // the same endpoint again, as after a release and re-ADD
            AllocationView again = removed.remove(random.nextInt(removed.size()));
            if (!endpoints.containsKey(again.network() + "/" + again.endpoint())) {
                return put(again, "re-add");
            }
        }
        String net = random.nextInt(3) == 0 ? "b" : "a";
        String id = "e" + nextEndpoint++;
        String node = random.nextInt(3) == 0 ? "elsewhere" : NODE;
        AllocationView e = new AllocationView(net, id, address(net), random.nextInt(4) == 0 ? address6(net) : null,
                node, "c-" + id, "eth0", null, labels(), null);
        return put(e, "add");
    }

    private String put(AllocationView e, String what) {
        endpoints.put(e.network() + "/" + e.endpoint(), e);
        return what + " " + send(WatchMessage.Event.PUT, "endpoint/" + e.network() + "/" + e.endpoint(), e);
    }

    /** Creates the identity of a random label set (most of them), or deletes one. */
    private String identity() {
        String net = random.nextBoolean() ? "a" : "b";
        Map<String, String> l = Labels.identityLabels(labels());
        String key = net + "|" + Labels.canonical(l);
        Long id = identities.get(key);
        if (id != null && random.nextInt(3) == 0) {
            identities.remove(key);
            return send(WatchMessage.Event.DELETE, "identity/" + id, null);
        }
        if (id == null) {
            id = nextIdentity++;
            identities.put(key, id);
        }
        return send(WatchMessage.Event.PUT, "identity/" + id, new IdentityView(id, net, l));
    }

    private String policy() {
        if (!policies.isEmpty() && random.nextInt(4) == 0) {
            String name = pick(policies);
            policies.remove(name);
            return send(WatchMessage.Event.DELETE, "policy/default/" + name, null);
        }
        String name = "p" + random.nextInt(8);
        if (!policies.contains(name)) {
            policies.add(name);
        }
        List<RuleView> ingress = new ArrayList<>();
        List<RuleView> egress = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            (random.nextBoolean() ? ingress : egress).add(rule());
        }
        PolicyView p = new PolicyView("default", name, new SelectorView(Map.of("app", pick(APPS)), null), null, null,
                ingress, egress, null);
        return send(WatchMessage.Event.PUT, "policy/default/" + name, p);
    }

    private RuleView rule() {
        String action = random.nextInt(4) == 0 ? "deny" : "allow";
        List<PeerView> peers = new ArrayList<>();
        int kind = random.nextInt(5);
        if (kind < 3) {
            peers.add(new PeerView(new SelectorView(Map.of("app", pick(APPS)), null), null, null, null, null, null));
        } else if (kind == 3) {
            peers.add(new PeerView(null, null, null, "0.0.0.0/0", List.of("10.0.0.0/8"), null));
        } // else: no peers, everyone
        List<PortView> ports = new ArrayList<>();
        if (random.nextInt(3) > 0) {
            int from = 80 + random.nextInt(20);
            ports.add(new PortView(random.nextBoolean() ? "tcp" : "udp", from,
                    random.nextBoolean() ? null : from + random.nextInt(10)));
        }
        boolean ingress = random.nextBoolean();
        return new RuleView(action, ingress ? peers : null, ingress ? null : peers, ports);
    }

    private String send(String type, String key, Object object) {
        view = view.apply(WatchMessage.events(view.revision() + 1, List.of(new WatchMessage.Event(type, key,
                object == null ? null : Json.lenient().valueToTree(object)))));
        return type + " " + key;
    }

    private Map<String, String> labels() {
        Map<String, String> l = random.nextInt(4) == 0
                ? Map.of("app", pick(APPS), "tier", pick(TIERS), "name", "x" + random.nextInt(9))
                : Map.of("app", pick(APPS));
        return dnsLabels ? dnsLabels(l) : l;
    }

    /** Names shared and refused, aliases (some claimed twice, some shadowed by a real name) and SRV labels. */
    private Map<String, String> dnsLabels(Map<String, String> labels) {
        Map<String, String> l = new TreeMap<>(labels);
        switch (random.nextInt(7)) {
            case 0 -> l.put(Labels.ALIAS_PREFIX + "al" + random.nextInt(4), "true");
            case 1 -> l.put(Labels.ALIAS_PREFIX + "x" + random.nextInt(9), "true");
            case 2 -> l.put("srv.qnf.dev/http.tcp", String.valueOf(80 + random.nextInt(3)));
            case 3 -> l.put("srv.qnf.dev/" + (random.nextBoolean() ? "dns.udp" : "bad"), "53");
            case 4 -> l.put("name", random.nextBoolean() ? "X" + random.nextInt(9) : "bad_" + random.nextInt(2));
            default -> {
            }
        }
        return l;
    }

    /** A small address space per network, so that addresses are reused and sometimes collide. */
    private String address(String net) {
        return (net.equals("a") ? "10.1.0." : "10.2.0.") + (2 + random.nextInt(60));
    }

    private String address6(String net) {
        return (net.equals("a") ? "fd00:1::" : "fd00:2::") + Integer.toHexString(2 + random.nextInt(60));
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static NetworkView network(String name) {
        return new NetworkView(name, name.equals("a") ? "10.1.0.0/24" : "10.2.0.0/24",
                name.equals("a") ? "fd00:1::/64" : "fd00:2::/64", name.equals("a") ? "10.1.0.1" : "10.2.0.1",
                name.equals("a") ? "fd00:1::1" : "fd00:2::1", 1500, true, 26, 122, false, Map.of(), null);
    }
}
