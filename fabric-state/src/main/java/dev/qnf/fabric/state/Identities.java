package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.policy.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps identities in step with endpoints: appended to every accepted decision that puts or deletes endpoints, it
 * allocates an identity for each (network, identity labels) that gains its first endpoint and deletes the one that
 * loses its last, in the same write. Numbers are the next after the highest allocated, so every replica agrees.
 */
final class Identities {
    private Identities() {
    }

    static Decision follow(FabricImage image, Decision d) {
        if (!d.accepted() || d.changes().isEmpty()) {
            return d;
        }
        // Sorted by identity key, so the numbers handed out do not depend on the order of changes.
        TreeMap<String, Map.Entry<String, Map<String, String>>> touched = new TreeMap<>();
        for (Change c : d.changes()) {
            if (c instanceof Change.Put p && p.resource() instanceof Endpoint e) {
                touch(touched, e);
                image.endpoint(e.network(), e.id()).ifPresent(old -> touch(touched, old));
            } else if (c instanceof Change.Delete del && del.key().kind().equals(ResourceKey.ENDPOINT)) {
                String[] parts = del.key().name().split("/", 2);
                image.endpoint(parts[0], parts[1]).ifPresent(old -> touch(touched, old));
            }
        }
        if (touched.isEmpty()) {
            return d;
        }
        FabricImage next = image.apply(d.changes(), image.revision());
        long id = Math.max(image.highestIdentity(), Identity.FIRST_ALLOCATED - 1);
        List<Change> changes = new ArrayList<>(d.changes());
        for (Map.Entry<String, Map<String, String>> t : touched.values()) {
            int users = next.identityUsers(t.getKey(), t.getValue());
            Optional<Identity> existing = next.identity(t.getKey(), t.getValue());
            if (users > 0 && existing.isEmpty()) {
                changes.add(new Change.Put(new Identity(++id, t.getKey(), t.getValue())));
            } else if (users == 0 && existing.isPresent()) {
                changes.add(new Change.Delete(existing.get().key()));
            }
        }
        return new Decision(changes, d.reply());
    }

    private static void touch(TreeMap<String, Map.Entry<String, Map<String, String>>> touched, Endpoint e) {
        Map<String, String> labels = Labels.identityLabels(e.labels());
        touched.put(PolicyState.identityKey(e.network(), labels), Map.entry(e.network(), labels));
    }
}
