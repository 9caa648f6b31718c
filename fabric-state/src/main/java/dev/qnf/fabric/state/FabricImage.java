package dev.qnf.fabric.state;

import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.model.Revocation;
import dev.qnf.fabric.model.UserRevocation;
import dev.qnf.fabric.model.CaRotation;
import dev.qnf.fabric.model.SiteBinding;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;
import dev.qnf.fabric.policy.Verdict;
import org.pcollections.PMap;
import org.pcollections.TreePMap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole fabric at one revision. Immutable and persistent: the next image shares everything a change did not
 * touch, so readers hold an image for as long as they like while apply moves on. Loading a snapshot and applying
 * one change go through the same {@link #apply} path.
 */
public final class FabricImage {
    private static final FabricImage EMPTY = new FabricImage(0, TreePMap.empty(), TreePMap.empty(),
            TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), PolicyState.EMPTY, TreePMap.empty(),
            TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), null);

    private final long revision;
    private final PMap<String, Network> networks;
    private final PMap<String, PMap<String, Endpoint>> endpoints;
    private final PMap<String, Node> nodes;
    private final PMap<String, PMap<Cidr, Block>> blocks;
    private final PMap<String, Member> members;
    /** Derived from endpoints: address -> endpoint id, per network. Never stored. */
    private final PMap<String, PMap<IpAddress, String>> used;
    /** Policies, identities, network defaults, and the identity indexes derived from endpoints. */
    private final PolicyState policy;
    /** Join tokens by id (secrets only as hashes). */
    private final PMap<String, JoinToken> tokens;
    /** The audit trail by sequence number (bounded, see {@link AuditTrail}). */
    private final PMap<Long, AuditEntry> audit;
    private final PMap<String, Revocation> revocations;
    private final PMap<String, UserRevocation> userRevocations;
    /** Site bindings by node name. */
    private final PMap<String, SiteBinding> siteBindings;
    /** The last CA rotation, null before the first. */
    private final CaRotation caRotation;

    private FabricImage(long revision, PMap<String, Network> networks, PMap<String, PMap<String, Endpoint>> endpoints,
                        PMap<String, Node> nodes, PMap<String, PMap<Cidr, Block>> blocks,
                        PMap<String, Member> members, PMap<String, PMap<IpAddress, String>> used,
                        PolicyState policy, PMap<String, JoinToken> tokens, PMap<Long, AuditEntry> audit,
                        PMap<String, Revocation> revocations, PMap<String, UserRevocation> userRevocations,
                        PMap<String, SiteBinding> siteBindings, CaRotation caRotation) {
        this.revision = revision;
        this.networks = networks;
        this.endpoints = endpoints;
        this.nodes = nodes;
        this.blocks = blocks;
        this.members = members;
        this.used = used;
        this.policy = policy;
        this.tokens = tokens;
        this.audit = audit;
        this.revocations = revocations;
        this.userRevocations = userRevocations;
        this.siteBindings = siteBindings;
        this.caRotation = caRotation;
    }

    public static FabricImage empty() {
        return EMPTY;
    }

    public static FabricImage of(long revision, Iterable<? extends Resource> resources) {
        List<Change> puts = new ArrayList<>();
        resources.forEach(r -> puts.add(new Change.Put(r)));
        return EMPTY.apply(puts, revision);
    }

    public FabricImage apply(List<Change> changes, long newRevision) {
        Builder b = new Builder(this);
        for (Change c : changes) {
            if (c instanceof Change.Put put) {
                b.put(put.resource());
            } else {
                b.delete(((Change.Delete) c).key());
            }
        }
        return new FabricImage(newRevision, b.networks, b.endpoints, b.nodes, b.blocks, b.members, b.used, b.policy, b.tokens,
                b.audit, b.revocations, b.userRevocations, b.siteBindings, b.caRotation);
    }

    public long revision() {
        return revision;
    }

    public Optional<Network> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    public Collection<Network> networks() {
        return networks.values();
    }

    public Collection<Endpoint> endpoints(String network) {
        return endpoints.getOrDefault(network, TreePMap.empty()).values();
    }

    public Optional<Endpoint> endpoint(String network, String id) {
        return Optional.ofNullable(endpoints.getOrDefault(network, TreePMap.empty()).get(id));
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** Blocks of a network in address order. */
    public Collection<Block> blocks(String network) {
        return blocks.getOrDefault(network, TreePMap.empty()).values();
    }

    public Optional<Block> block(String network, Cidr cidr) {
        return Optional.ofNullable(blocks.getOrDefault(network, TreePMap.empty()).get(cidr));
    }

    public Collection<Member> members() {
        return members.values();
    }

    public Optional<JoinToken> token(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    public Collection<JoinToken> tokens() {
        return tokens.values();
    }

    /** The endpoint id holding {@code address} in {@code network}, if any. */
    public Optional<String> holder(String network, IpAddress address) {
        return Optional.ofNullable(used.getOrDefault(network, TreePMap.empty()).get(address));
    }

    /** Every policy, ordered by namespace and name. */
    public Collection<Policy> policies() {
        return policy.policies.values();
    }

    public Collection<Policy> policies(String namespace) {
        return policy.policies.values().stream().filter(p -> p.namespace().equals(namespace)).toList();
    }

    public Optional<Policy> policy(String namespace, String name) {
        return Optional.ofNullable(policy.policies.get(namespace + "/" + name));
    }

    /** Allocated identities in numeric order. */
    public Collection<Identity> identities() {
        return policy.identities.values();
    }

    public Optional<Identity> identity(long id) {
        return Optional.ofNullable(policy.identities.get(id));
    }

    /** The highest allocated identity number, or 0 when there is none. */
    public long highestIdentity() {
        return policy.identities.isEmpty() ? 0 : policy.identities.lastKey();
    }

    /** The identity of a network's identity label set ({@link Labels#identityLabels}), if allocated. */
    public Optional<Identity> identity(String network, Map<String, String> identityLabels) {
        Long id = policy.identityIndex.get(PolicyState.identityKey(network, identityLabels));
        return id == null ? Optional.empty() : identity(id);
    }

    /** The identity an endpoint has: the one of its network and identity labels. */
    public Optional<Identity> identityOf(Endpoint e) {
        return identity(e.network(), Labels.identityLabels(e.labels()));
    }

    /** How many endpoints hold a network's identity label set: an identity lives while this is above zero. */
    public int identityUsers(String network, Map<String, String> identityLabels) {
        return policy.identityUsers.getOrDefault(PolicyState.identityKey(network, identityLabels), 0);
    }

    /** The network's default verdict: deny unless set to allow. */
    public Verdict policyDefault(String network) {
        PolicyDefault d = policy.defaults.get(network);
        return d == null ? Verdict.DENY : d.verdict();
    }

    /** Networks whose default was set explicitly. */
    public Collection<PolicyDefault> policyDefaults() {
        return policy.defaults.values();
    }

    /** The endpoint holding {@code address} in any network, if any (endpoints of overlapping networks: the first). */
    public Optional<Endpoint> endpointAt(IpAddress address) {
        for (Map.Entry<String, PMap<IpAddress, String>> e : used.entrySet()) {
            String id = e.getValue().get(address);
            if (id != null) {
                return endpoint(e.getKey(), id);
            }
        }
        return Optional.empty();
    }

    /** Every resource, in a stable order: for snapshots, resyncs and state hashes. */
    /** The retained audit trail, oldest first. */
    public Collection<AuditEntry> audit() {
        return audit.values();
    }

    public Optional<Revocation> revocation(String node) {
        return Optional.ofNullable(revocations.get(node));
    }

    public Collection<Revocation> revocations() {
        return revocations.values();
    }

    public Optional<UserRevocation> userRevocation(String user) {
        return Optional.ofNullable(userRevocations.get(user));
    }

    public Collection<UserRevocation> userRevocations() {
        return userRevocations.values();
    }

    /** The site {@code node} joined into with a site-bound token, if it did. */
    public Optional<SiteBinding> siteBinding(String node) {
        return Optional.ofNullable(siteBindings.get(node));
    }

    /** The last CA rotation, if the cluster's CA was ever rotated. */
    public Optional<CaRotation> caRotation() {
        return Optional.ofNullable(caRotation);
    }

    public List<Resource> resources() {
        List<Resource> all = new ArrayList<>(networks.values());
        endpoints.values().forEach(m -> all.addAll(m.values()));
        all.addAll(nodes.values());
        blocks.values().forEach(m -> all.addAll(m.values()));
        all.addAll(members.values());
        all.addAll(policy.policies.values());
        all.addAll(policy.identities.values());
        all.addAll(policy.defaults.values());
        all.addAll(tokens.values());
        all.addAll(audit.values());
        all.addAll(revocations.values());
        all.addAll(userRevocations.values());
        all.addAll(siteBindings.values());
        if (caRotation != null) {
            all.add(caRotation);
        }
        return all;
    }

    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put(ResourceKey.NETWORK, networks.size());
        counts.put(ResourceKey.ENDPOINT, endpoints.values().stream().mapToInt(Map::size).sum());
        counts.put(ResourceKey.NODE, nodes.size());
        counts.put(ResourceKey.BLOCK, blocks.values().stream().mapToInt(Map::size).sum());
        counts.put(ResourceKey.MEMBER, members.size());
        counts.put(ResourceKey.POLICY, policy.policies.size());
        counts.put(ResourceKey.IDENTITY, policy.identities.size());
        counts.put(ResourceKey.JOIN_TOKEN, tokens.size());
        counts.put(ResourceKey.AUDIT, audit.size());
        counts.put(ResourceKey.REVOCATION, revocations.size());
        counts.put(ResourceKey.USER_REVOCATION, userRevocations.size());
        counts.put(ResourceKey.SITE_BINDING, siteBindings.size());
        counts.put(ResourceKey.CA_ROTATION, caRotation == null ? 0 : 1);
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FabricImage other && revision == other.revision && resources().equals(other.resources());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(revision) * 31 + resources().hashCode();
    }

    @Override
    public String toString() {
        return "FabricImage{revision=" + revision + ", " + counts() + "}";
    }

    /** Accumulates one batch of changes; only {@link #apply} uses it. */
    private static final class Builder {
        PMap<String, Network> networks;
        PMap<String, PMap<String, Endpoint>> endpoints;
        PMap<String, Node> nodes;
        PMap<String, PMap<Cidr, Block>> blocks;
        PMap<String, Member> members;
        PMap<String, PMap<IpAddress, String>> used;
        PolicyState policy;
        PMap<String, JoinToken> tokens;
        PMap<Long, AuditEntry> audit;
        PMap<String, Revocation> revocations;
        PMap<String, UserRevocation> userRevocations;
        PMap<String, SiteBinding> siteBindings;
        CaRotation caRotation;

        Builder(FabricImage from) {
            networks = from.networks;
            endpoints = from.endpoints;
            nodes = from.nodes;
            blocks = from.blocks;
            members = from.members;
            used = from.used;
            policy = from.policy;
            tokens = from.tokens;
            audit = from.audit;
            revocations = from.revocations;
            userRevocations = from.userRevocations;
            siteBindings = from.siteBindings;
            caRotation = from.caRotation;
        }

        void put(Resource r) {
            if (r instanceof Network n) {
                networks = networks.plus(n.name(), n);
            } else if (r instanceof Endpoint e) {
                endpoint(e.network(), e.id()).ifPresent(this::unuse);
                endpoints = endpoints.plus(e.network(), inner(endpoints, e.network()).plus(e.id(), e));
                use(e);
                policy = policy.withEndpoint(e, +1);
            } else if (r instanceof Node n) {
                nodes = nodes.plus(n.name(), n);
            } else if (r instanceof Block b) {
                blocks = blocks.plus(b.network(), inner(blocks, b.network()).plus(b.cidr(), b));
            } else if (r instanceof Member m) {
                members = members.plus(m.id(), m);
            } else if (r instanceof JoinToken t) {
                tokens = tokens.plus(t.id(), t);
            } else if (r instanceof AuditEntry a) {
                audit = audit.plus(a.seq(), a);
            } else if (r instanceof Revocation v) {
                revocations = revocations.plus(v.node(), v);
            } else if (r instanceof UserRevocation u) {
                userRevocations = userRevocations.plus(u.user(), u);
            } else if (r instanceof SiteBinding s) {
                siteBindings = siteBindings.plus(s.node(), s);
            } else if (r instanceof CaRotation c) {
                caRotation = c;
            } else {
                policy = policy.put(r);
            }
        }

        void delete(ResourceKey key) {
            switch (key.kind()) {
                case ResourceKey.NETWORK -> networks = networks.minus(key.name());
                case ResourceKey.NODE -> nodes = nodes.minus(key.name());
                case ResourceKey.MEMBER -> members = members.minus(key.name());
                case ResourceKey.JOIN_TOKEN -> tokens = tokens.minus(key.name());
                case ResourceKey.AUDIT -> audit = audit.minus(Long.parseLong(key.name()));
                case ResourceKey.REVOCATION -> revocations = revocations.minus(key.name());
                case ResourceKey.USER_REVOCATION -> userRevocations = userRevocations.minus(key.name());
                case ResourceKey.SITE_BINDING -> siteBindings = siteBindings.minus(key.name());
                case ResourceKey.CA_ROTATION -> caRotation = null;
                case ResourceKey.POLICY, ResourceKey.IDENTITY, ResourceKey.POLICY_DEFAULT -> policy = policy.delete(key);
                case ResourceKey.ENDPOINT -> {
                    String[] parts = split(key);
                    endpoint(parts[0], parts[1]).ifPresent(e -> {
                        unuse(e);
                        endpoints = shrink(endpoints, e.network(), inner(endpoints, e.network()).minus(e.id()));
                    });
                }
                case ResourceKey.BLOCK -> {
                    String[] parts = split(key);
                    Cidr cidr = Cidr.parse(parts[1].replace('_', '/'));
                    blocks = shrink(blocks, parts[0], inner(blocks, parts[0]).minus(cidr));
                }
                default -> throw new IllegalStateException("unknown resource kind in delete: " + key);
            }
        }

        private Optional<Endpoint> endpoint(String network, String id) {
            return Optional.ofNullable(inner(endpoints, network).get(id));
        }

        private void use(Endpoint e) {
            PMap<IpAddress, String> m = inner(used, e.network()).plus(e.ip(), e.id());
            if (e.ip6() != null) {
                m = m.plus(e.ip6(), e.id());
            }
            used = used.plus(e.network(), m);
        }

        private void unuse(Endpoint e) {
            policy = policy.withEndpoint(e, -1);
            PMap<IpAddress, String> m = inner(used, e.network()).minus(e.ip());
            if (e.ip6() != null) {
                m = m.minus(e.ip6());
            }
            used = shrink(used, e.network(), m);
        }

        private static String[] split(ResourceKey key) {
            int slash = key.name().indexOf('/');
            if (slash < 0) {
                throw new IllegalStateException("malformed " + key.kind() + " key: " + key);
            }
            return new String[]{key.name().substring(0, slash), key.name().substring(slash + 1)};
        }

        private static <K extends Comparable<K>, V> PMap<K, V> inner(PMap<String, PMap<K, V>> outer, String key) {
            PMap<K, V> m = outer.get(key);
            return m == null ? TreePMap.empty() : m;
        }

        private static <K, V> PMap<String, PMap<K, V>> shrink(PMap<String, PMap<K, V>> outer, String key,
                                                             PMap<K, V> inner) {
            return inner.isEmpty() ? outer.minus(key) : outer.plus(key, inner);
        }
    }
}
