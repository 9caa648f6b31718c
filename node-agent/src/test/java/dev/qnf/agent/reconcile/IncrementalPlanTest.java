package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.testing.RandomFabric;
import dev.qnf.fabric.model.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent keeps what it computed for the last view and updates it by what changed ({@link AddressBook}, the
 * per-policy parts of {@link PolicyPlanBuilder}). Whatever the sequence of changes, the result must be the one a
 * computation from nothing gives: random sequences of endpoint, label, address, identity, policy, default and
 * network changes, compared after every step.
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
                if (pick.nextInt(5) == 0 && !local.isEmpty()) {
                    local.remove(pick.nextInt(local.size())); // a release pending: not local any more
                }
                PolicyPlanBuilder.Result incremental = PolicyPlanBuilder.build(view, local);
                PolicyPlanBuilder.Result fresh = PolicyPlanBuilder.fresh(view, local);
                String where = "seed " + seed + ", step " + step + " (" + change + ")";
                assertThat(incremental.plan()).as(where).isEqualTo(fresh.plan());
                assertThat(incremental.local()).as(where).isEqualTo(fresh.local());
            }
        }
    }
}
