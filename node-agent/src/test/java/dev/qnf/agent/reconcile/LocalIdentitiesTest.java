package dev.qnf.agent.reconcile;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LocalIdentities} derives this host's endpoints and identities from the last ones by what changed. After
 * every random change (endpoints added, removed and added again as new objects, relabelled onto another identity,
 * onto an address another holds, twice, identities created and deleted) it must be the whole build's, and every
 * address whose local claim changed must be reported.
 */
class LocalIdentitiesTest {
    @Test
    void afterEveryRandomChangeTheDerivedLocalIdentitiesAreTheWholeOnes() {
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            Map<String, Identity> byKey = new HashMap<>();
            List<Endpoint> local = new ArrayList<>();
            List<Endpoint> gone = new ArrayList<>();
            LocalIdentities last = LocalIdentities.EMPTY;
            long nextId = 256; // identity numbers are unique, as the view's identity map is by number
            for (int step = 0; step < 200; step++) {
                int dice = random.nextInt(10);
                if (dice < 3 || local.isEmpty()) {
                    local.add(!gone.isEmpty() && random.nextBoolean()
                            ? copy(gone.remove(random.nextInt(gone.size())), null) // added again, another object
                            : endpoint(random, "e" + step));
                } else if (dice < 5) {
                    gone.add(local.remove(random.nextInt(local.size())));
                } else if (dice < 6) {
                    int k = random.nextInt(local.size());
                    local.set(k, copy(local.get(k), Map.of("app", "a" + random.nextInt(4)))); // another identity
                } else if (dice < 7) {
                    local.add(copy(local.get(random.nextInt(local.size())), null)); // an address and id twice
                } else if (dice < 8) {
                    byKey = new HashMap<>(byKey); // the view's identities change: another map
                    Map<String, String> labels = Map.of("app", "a" + random.nextInt(4));
                    String key = AddressBook.key("n", Labels.identityLabels(labels));
                    if (byKey.containsKey(key) && random.nextBoolean()) {
                        byKey.remove(key);
                    } else {
                        byKey.put(key, new Identity(nextId++, "n", Labels.identityLabels(labels)));
                    }
                } else if (dice < 9 && local.size() > 1) {
                    local.remove(local.size() - 1); // whatever was last (a duplicate is gone again)
                }
                Map<String, Identity> keys = Map.copyOf(byKey);
                byKey = keys;
                Set<IpAddress> affected = new HashSet<>();
                LocalIdentities derived = last.update(local, keys, affected);
                LocalIdentities whole = LocalIdentities.EMPTY.update(local, keys, new HashSet<>());
                String where = "seed " + seed + ", step " + step;
                assertThat(derived.byRulesetId()).as(where).isEqualTo(whole.byRulesetId());
                assertThat(derived.claims()).as(where).isEqualTo(whole.claims());
                assertThat(derived.identities()).as(where).isEqualTo(whole.identities());
                assertThat(derived.unknown()).as(where).isEqualTo(whole.unknown());
                Set<IpAddress> changed = new HashSet<>(last.claims().keySet());
                changed.addAll(whole.claims().keySet());
                LocalIdentities before = last;
                changed.removeIf(a -> Objects.equals(before.claims().get(a), whole.claims().get(a)));
                assertThat(affected).as(where).containsAll(changed);
                last = derived;
            }
        }
    }

    @Test
    void oneEndpointMoreIsDerivedAndNoChangeIsTheSameObject() {
        Random random = new Random(7);
        Map<String, Identity> byKey = Map.of(AddressBook.key("n", Labels.identityLabels(Map.of("app", "a0"))),
                new Identity(300, "n", Labels.identityLabels(Map.of("app", "a0"))));
        List<Endpoint> local = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            local.add(new Endpoint("n", "e" + i, "n1", IpAddress.parse("10.1." + (i / 250) + "." + (i % 250 + 2)),
                    null, "c", "eth0", null, Map.of("app", "a0")));
        }
        LocalIdentities before = LocalIdentities.EMPTY.update(local, byKey, new HashSet<>());
        assertThat(before.update(local, byKey, new HashSet<>())).isSameAs(before);

        Endpoint more = new Endpoint("n", "more", "n1", IpAddress.parse("10.1.9.9"), null, "c", "eth0", null,
                Map.of("app", "a0"));
        local.add(random.nextInt(local.size()), more);
        Set<IpAddress> affected = new HashSet<>();
        LocalIdentities after = before.update(local, byKey, affected);
        assertThat(affected).containsExactly(IpAddress.parse("10.1.9.9"));
        assertThat(after.identities()).as("the identity was local already: the same map").isSameAs(
                before.identities());
        assertThat(after.byRulesetId()).containsEntry("n:more", 300).hasSize(201);
        assertThat(after.claims()).isEqualTo(LocalIdentities.EMPTY.update(local, byKey, new HashSet<>()).claims());
    }

    private static Endpoint endpoint(Random random, String id) {
        return new Endpoint("n", id, "n1", IpAddress.parse("10.1.0." + (2 + random.nextInt(40))),
                random.nextInt(3) == 0 ? IpAddress.parse("fd00::" + (2 + random.nextInt(40))) : null, "c", "eth0",
                null, Map.of("app", "a" + random.nextInt(4)));
    }

    /** The same endpoint as another object, with other labels if given. */
    private static Endpoint copy(Endpoint e, Map<String, String> labels) {
        return new Endpoint(e.network(), e.id(), e.node(), e.ip(), e.ip6(), e.containerId(), e.ifName(), e.mac(),
                labels != null ? labels : e.labels());
    }
}
