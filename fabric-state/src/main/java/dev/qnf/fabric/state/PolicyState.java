package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.policy.Labels;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

import java.util.Map;

/**
 * The policy part of an image: stored policies, identities and network defaults, plus two indexes derived from
 * endpoints and identities (never stored): identity key to id, and identity key to the number of endpoints holding
 * it. An identity key is {@code network|k=v,k=v} over the sorted identity labels.
 */
final class PolicyState {
    static final PolicyState EMPTY = new PolicyState(TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
            TreePMap.empty(), TreePMap.empty());

    final PMap<String, Policy> policies;
    final PSortedMap<Long, Identity> identities;
    final PMap<String, PolicyDefault> defaults;
    final PMap<String, Long> identityIndex;
    final PMap<String, Integer> identityUsers;

    private PolicyState(PMap<String, Policy> policies, PSortedMap<Long, Identity> identities,
                        PMap<String, PolicyDefault> defaults, PMap<String, Long> identityIndex,
                        PMap<String, Integer> identityUsers) {
        this.policies = policies;
        this.identities = identities;
        this.defaults = defaults;
        this.identityIndex = identityIndex;
        this.identityUsers = identityUsers;
    }

    static String identityKey(String network, Map<String, String> identityLabels) {
        return network + "|" + Labels.canonical(identityLabels);
    }

    PolicyState put(Resource r) {
        if (r instanceof Policy p) {
            return new PolicyState(policies.plus(p.namespace() + "/" + p.name(), p), identities, defaults,
                    identityIndex, identityUsers);
        } else if (r instanceof Identity i) {
            PMap<String, Long> index = identityIndex;
            Identity old = identities.get(i.id());
            if (old != null) {
                index = index.minus(identityKey(old.network(), old.labels()));
            }
            return new PolicyState(policies, identities.plus(i.id(), i), defaults,
                    index.plus(identityKey(i.network(), i.labels()), i.id()), identityUsers);
        } else if (r instanceof PolicyDefault d) {
            return new PolicyState(policies, identities, defaults.plus(d.network(), d), identityIndex, identityUsers);
        }
        throw new IllegalStateException("not a policy resource: " + r);
    }

    PolicyState delete(ResourceKey key) {
        switch (key.kind()) {
            case ResourceKey.POLICY -> {
                return new PolicyState(policies.minus(key.name()), identities, defaults, identityIndex, identityUsers);
            }
            case ResourceKey.IDENTITY -> {
                long id = Long.parseLong(key.name());
                Identity old = identities.get(id);
                if (old == null) {
                    return this;
                }
                return new PolicyState(policies, identities.minus(id), defaults,
                        identityIndex.minus(identityKey(old.network(), old.labels())), identityUsers);
            }
            case ResourceKey.POLICY_DEFAULT -> {
                return new PolicyState(policies, identities, defaults.minus(key.name()), identityIndex, identityUsers);
            }
            default -> throw new IllegalStateException("not a policy resource key: " + key);
        }
    }

    /** Counts an endpoint in ({@code +1}) or out ({@code -1}) of its identity label set. */
    PolicyState withEndpoint(Endpoint e, int delta) {
        String key = identityKey(e.network(), Labels.identityLabels(e.labels()));
        int n = identityUsers.getOrDefault(key, 0) + delta;
        PMap<String, Integer> users = n <= 0 ? identityUsers.minus(key) : identityUsers.plus(key, n);
        return new PolicyState(policies, identities, defaults, identityIndex, users);
    }
}
