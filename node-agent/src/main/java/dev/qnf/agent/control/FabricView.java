package dev.qnf.agent.control;

import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.PolicyDefaultView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.policy.Verdict;
import org.pcollections.PMap;
import org.pcollections.TreePMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the agent knows of the control plane: networks, endpoints, policies, identities and network defaults (blocks,
 * nodes and members are not needed on a host) at a revision. Immutable; {@link #apply} returns the next view, sharing what did not change. An object the
 * agent cannot read is skipped with a warning rather than stopping the watch.
 */
public final class FabricView {
    private static final Logger LOG = LoggerFactory.getLogger(FabricView.class);
    private static final FabricView EMPTY = new FabricView(0, false, TreePMap.empty(), TreePMap.empty(),
            Policies.EMPTY);

    private final long revision;
    private final boolean known;
    private final PMap<String, Network> networks;
    private final PMap<String, PMap<String, Endpoint>> endpoints;
    private final Policies policies;

    /**
     * What the agent enforces: policies by {@code namespace/name}, identities by number, network defaults (a
     * network without one denies by default).
     */
    public record Policies(PMap<String, Policy> policies, PMap<Long, Identity> identities,
                           PMap<String, Verdict> defaults) {
        static final Policies EMPTY = new Policies(TreePMap.empty(), TreePMap.empty(), TreePMap.empty());
    }

    private FabricView(long revision, boolean known, PMap<String, Network> networks,
                       PMap<String, PMap<String, Endpoint>> endpoints, Policies policies) {
        this.revision = revision;
        this.known = known;
        this.networks = networks;
        this.endpoints = endpoints;
        this.policies = policies;
    }

    /** Nothing known: a fresh agent before its first watch message. */
    public static FabricView empty() {
        return EMPTY;
    }

    /** The view stored in the state dir by an earlier run. */
    public static FabricView of(ViewSnapshot snapshot) {
        FabricView v = new FabricView(snapshot.revision(), true, TreePMap.empty(), TreePMap.empty(), Policies.EMPTY);
        for (NetworkView n : snapshot.networks()) {
            v = v.putNetwork(n);
        }
        for (AllocationView e : snapshot.endpoints()) {
            v = v.putEndpoint(e.network(), e);
        }
        for (PolicyView p : snapshot.policies()) {
            v = v.withPolicies(v.policies.policies().plus(policyKey(PolicyViews.toPolicy(p)), PolicyViews.toPolicy(p)),
                    null, null);
        }
        for (IdentityView i : snapshot.identities()) {
            v = v.withPolicies(null, v.policies.identities().plus(i.id(), PolicyViews.toIdentity(i)), null);
        }
        for (Map.Entry<String, String> d : snapshot.defaults().entrySet()) {
            v = v.withPolicies(null, null, v.policies.defaults().plus(d.getKey(),
                    PolicyViews.verdict(d.getValue(), "default")));
        }
        return v;
    }

    public ViewSnapshot snapshot() {
        List<AllocationView> eps = new ArrayList<>();
        endpoints.values().forEach(m -> m.values().forEach(e -> eps.add(Views.view(e))));
        Map<String, String> defaults = new TreeMap<>();
        policies.defaults().forEach((n, v) -> defaults.put(n, v.name().toLowerCase(Locale.ROOT)));
        return new ViewSnapshot(revision, networks.values().stream().map(Views::view).toList(), eps,
                policies.policies().values().stream().map(p -> PolicyViews.view(p, null)).toList(),
                policies.identities().values().stream().map(PolicyViews::view).toList(), defaults);
    }

    /** The revision of the last change applied; 0 before any. */
    public long revision() {
        return revision;
    }

    /**
     * True once the view came from the control plane (a watch message, or a stored view of an earlier run): only
     * then may the agent delete what the view does not mention.
     */
    public boolean known() {
        return known;
    }

    public Policies policies() {
        return policies;
    }

    public Optional<Network> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    public Collection<Network> networks() {
        return networks.values();
    }

    public Optional<Endpoint> endpoint(String network, String id) {
        PMap<String, Endpoint> of = endpoints.get(network);
        return of == null ? Optional.empty() : Optional.ofNullable(of.get(id));
    }

    public Collection<Endpoint> endpointsOf(String network) {
        PMap<String, Endpoint> of = endpoints.get(network);
        return of == null ? List.of() : of.values();
    }

    /**
     * A network's endpoints by id, as the persistent map the view holds: the same object until one of them changes,
     * so a caller that keeps it can tell an unchanged network by reference and walk only a changed one.
     */
    public PMap<String, Endpoint> endpointMap(String network) {
        PMap<String, Endpoint> of = endpoints.get(network);
        return of == null ? TreePMap.empty() : of;
    }

    /** Endpoints allocated for {@code node}, all networks. Linear in the number of endpoints. */
    public List<Endpoint> endpointsOn(String node) {
        List<Endpoint> out = new ArrayList<>();
        endpoints.values().forEach(m -> m.values().forEach(e -> {
            if (node.equals(e.node())) {
                out.add(e);
            }
        }));
        return out;
    }

    /** The view after one watch line: a revision's events, or a RESYNC replacing everything. */
    public FabricView apply(WatchMessage message) {
        FabricView v = message.isResync()
                ? new FabricView(message.revision(), true, TreePMap.empty(), TreePMap.empty(), Policies.EMPTY)
                : new FabricView(message.revision(), true, networks, endpoints, policies);
        if (message.isResync()) {
            for (WatchMessage.KeyedObject o : message.objects()) {
                v = v.put(o.key(), o.object() == null ? null : new WatchMessage.Event(WatchMessage.Event.PUT, o.key(), o.object()));
            }
            return v;
        }
        for (WatchMessage.Event e : Objects.requireNonNullElse(message.events(), List.<WatchMessage.Event>of())) {
            v = WatchMessage.Event.DELETE.equals(e.type()) ? v.delete(e.key()) : v.put(e.key(), e);
        }
        return v;
    }

    private FabricView put(String key, WatchMessage.Event event) {
        if (event == null) {
            return this;
        }
        try {
            return switch (event.kind()) {
                case "network" -> putNetwork(event.objectAs(NetworkView.class));
                case "endpoint" -> putEndpoint(networkOf(key), event.objectAs(AllocationView.class));
                case ResourceKey.POLICY -> {
                    Policy p = PolicyViews.toPolicy(event.objectAs(PolicyView.class));
                    yield withPolicies(policies.policies().plus(policyKey(p), p), null, null);
                }
                case ResourceKey.IDENTITY -> {
                    Identity i = PolicyViews.toIdentity(event.objectAs(IdentityView.class));
                    yield withPolicies(null, policies.identities().plus(i.id(), i), null);
                }
                case ResourceKey.POLICY_DEFAULT -> {
                    PolicyDefault d = PolicyViews.toDefault(event.objectAs(PolicyDefaultView.class));
                    yield withPolicies(null, null, policies.defaults().plus(d.network(), d.verdict()));
                }
                default -> this;
            };
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable {} at revision {}: {}", key, revision, e.getMessage());
            return this;
        }
    }

    private FabricView delete(String key) {
        int slash = key.indexOf('/');
        String kind = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (kind.equals("network")) {
            return new FabricView(revision, known, networks.minus(name), endpoints, policies);
        }
        if (kind.equals(ResourceKey.POLICY)) {
            return withPolicies(policies.policies().minus(name), null, null);
        }
        if (kind.equals(ResourceKey.IDENTITY)) {
            try {
                return withPolicies(null, policies.identities().minus(Long.parseLong(name)), null);
            } catch (NumberFormatException e) {
                return this;
            }
        }
        if (kind.equals(ResourceKey.POLICY_DEFAULT)) {
            return withPolicies(null, null, policies.defaults().minus(name));
        }
        if (kind.equals("endpoint")) {
            int s = name.indexOf('/');
            String net = name.substring(0, s);
            PMap<String, Endpoint> of = endpoints.get(net);
            if (of == null) {
                return this;
            }
            PMap<String, Endpoint> rest = of.minus(name.substring(s + 1));
            return new FabricView(revision, known, networks, rest.isEmpty() ? endpoints.minus(net) : endpoints.plus(net, rest),
                    policies);
        }
        return this;
    }

    private FabricView putNetwork(NetworkView n) {
        return new FabricView(revision, known, networks.plus(n.name(), Views.network(n)), endpoints, policies);
    }

    private FabricView putEndpoint(String network, AllocationView a) {
        Endpoint e = Views.endpoint(network, a);
        PMap<String, Endpoint> of = endpoints.getOrDefault(e.network(), TreePMap.empty());
        return new FabricView(revision, known, networks, endpoints.plus(e.network(), of.plus(e.id(), e)), policies);
    }

    /** The view with some of its policy maps replaced (null: unchanged). */
    private FabricView withPolicies(PMap<String, Policy> p, PMap<Long, Identity> i, PMap<String, Verdict> d) {
        return new FabricView(revision, known, networks, endpoints, new Policies(p == null ? policies.policies() : p,
                i == null ? policies.identities() : i, d == null ? policies.defaults() : d));
    }

    private static String policyKey(Policy p) {
        return p.namespace() + "/" + p.name();
    }

    private static String networkOf(String endpointKey) {
        String rest = endpointKey.substring(endpointKey.indexOf('/') + 1);
        return rest.substring(0, rest.indexOf('/'));
    }

    @Override
    public String toString() {
        return "FabricView{revision=" + revision + ", networks=" + networks.size() + ", endpoints="
                + endpoints.values().stream().mapToInt(PMap::size).sum() + "}";
    }
}
