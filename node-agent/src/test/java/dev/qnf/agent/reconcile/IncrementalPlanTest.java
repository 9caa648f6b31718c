package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.testing.RandomFabric;
import dev.qnf.fabric.model.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent keeps what it computed for the last view and updates it by what changed ({@link AddressBook}, the
 * per-policy parts of {@link PolicyPlanBuilder}). Whatever the sequence of changes, the result must be the one a
 * computation from nothing gives: random sequences of endpoint, label, address, identity, policy, default and
 * network changes (endpoints moving onto and off this node, removed and added again), with local endpoints that are
 * new objects of the same data, that leave, that claim another's address, that come twice or in another order
 * ({@link LocalIdentities}), compared after every step.
 */
class IncrementalPlanTest {
    @Test
    void afterEveryRandomChangeTheIncrementalPlanIsTheFreshOne() {
        for (long seed = 1; seed <= 20; seed++) {
            RandomFabric fabric = new RandomFabric(seed);
            Random pick = new Random(seed);
            for (int step = 0; step < 100; step++) {
                String change = fabric.step();
                FabricView view = fabric.view();
                List<Endpoint> local = new ArrayList<>(view.endpointsOn(RandomFabric.NODE));
                if (!local.isEmpty()) {
                    int k = pick.nextInt(local.size());
                    switch (pick.nextInt(8)) {
                        case 0 -> local.remove(k); // a release pending: not local any more
                        case 1 -> local.set(k, copy(local.get(k), local.get(k).id())); // the same, another object
                        case 2 -> local.add(copy(local.get(k), "dup" + pick.nextInt(3))); // its address claimed twice
                        case 3 -> local.add(local.get(k)); // the same object twice
                        case 4 -> Collections.shuffle(local, pick); // another order
                        default -> {
                        }
                    }
                }
                PolicyPlanBuilder.Result incremental = PolicyPlanBuilder.build(view, local);
                PolicyPlanBuilder.Result fresh = PolicyPlanBuilder.fresh(view, local);
                String where = "seed " + seed + ", step " + step + " (" + change + ")";
                assertThat(incremental.plan()).as(where).isEqualTo(fresh.plan());
                assertThat(incremental.local()).as(where).isEqualTo(fresh.local());
            }
        }
    }

    private static Endpoint copy(Endpoint e, String id) {
        return new Endpoint(e.network(), id, e.node(), e.ip(), e.ip6(), e.containerId(), e.ifName(), e.mac(),
                e.labels());
    }
}
