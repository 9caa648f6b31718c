package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.nft.Ruleset;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.PortMap;
import dev.qnf.agent.testing.RandomFabric;
import dev.qnf.api.json.NetworkView;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RulesetBuilder} derives each ruleset from the last one by the local endpoints that changed, and
 * {@link Ruleset#withEndpoints} checks only those. Whatever the sequence of changes, the result (or the refusal) must
 * be the one a build from nothing gives: random fabric changes, with local endpoints that are new objects of the
 * same data (as attachments are), that leave, that claim another's address (resolved first come, first served),
 * whose attachment has another veth or a published port; compared after every step.
 */
class IncrementalRulesetTest {
    private static final NetworkView SPEC = new NetworkView("x", "10.99.0.0/24", null, "10.99.0.1", null, 1500, true,
            24, null, false, Map.of(), null);

    @Test
    void afterEveryRandomChangeTheDerivedRulesetIsTheFreshOne() {
        int derivedSteps = 0;
        for (long seed = 1; seed <= 20; seed++) {
            RandomFabric fabric = new RandomFabric(seed);
            Random pick = new Random(seed);
            for (int step = 0; step < 100; step++) {
                String change = fabric.step();
                FabricView view = fabric.view();
                List<Endpoint> local = new ArrayList<>(view.endpointsOn(RandomFabric.NODE));
                List<LocalAttachment> live = new ArrayList<>();
                String where = "seed " + seed + ", step " + step + " (" + change + ")";
                if (!local.isEmpty()) {
                    int k = pick.nextInt(local.size());
                    switch (pick.nextInt(6)) {
                        case 0 -> local.remove(k); // a release pending: not local any more
                        case 1 -> local.set(k, copy(local.get(k))); // the same endpoint as another object
                        case 2 -> local.add(copy(local.get(k), "dup" + pick.nextInt(3))); // its address claimed twice
                        case 3 -> live.add(attachment(local.get(k), "qa" + pick.nextInt(3), List.of()));
                        case 4 -> live.add(attachment(local.get(k), "qa0",
                                List.of(new PortMap("tcp", 8000 + pick.nextInt(2), 80))));
                        default -> {
                        }
                    }
                }
                List<DesiredState.HostNetwork> networks = new ArrayList<>();
                for (Network n : view.networks()) {
                    networks.add(new DesiredState.HostNetwork(n, HostNames.bridge(n.name())));
                }
                PolicyPlanBuilder.Result plan = PolicyPlanBuilder.fresh(view, local);
                Ruleset fresh;
                try {
                    fresh = RulesetBuilder.fresh(networks, local, live, plan);
                } catch (IllegalArgumentException refused) {
                    assertThatThrownBy(() -> RulesetBuilder.build(networks, local, live, plan)).as(where)
                            .isInstanceOf(IllegalArgumentException.class).hasMessage(refused.getMessage());
                    continue;
                }
                Ruleset built = RulesetBuilder.build(networks, local, live, plan);
                assertThat(built).as(where).isEqualTo(fresh);
                assertThat(built.endpoints().keySet()).as(where).containsExactlyElementsOf(fresh.endpoints().keySet());
                derivedSteps++;
            }
        }
        assertThat(derivedSteps).as("steps compared").isGreaterThan(1000);
    }

    @Test
    void oneEndpointMoreChangesTheRulesetByThatEndpoint() {
        RandomFabric fabric = new RandomFabric(3);
        for (int i = 0; i < 30; i++) {
            fabric.step();
        }
        FabricView view = fabric.view();
        List<DesiredState.HostNetwork> networks = new ArrayList<>();
        for (Network n : view.networks()) {
            networks.add(new DesiredState.HostNetwork(n, HostNames.bridge(n.name())));
        }
        List<Endpoint> local = new ArrayList<>(view.endpointsOn(RandomFabric.NODE));
        assertThat(local).as("the fabric has local endpoints").hasSizeGreaterThan(2);
        // the last local endpoint that the ruleset holds (its network is on this host)
        Endpoint last = local.stream().filter(e -> view.networks().stream().anyMatch(n -> n.name().equals(e.network())))
                .reduce((a, b) -> b).orElseThrow();
        local.remove(last);
        Ruleset before = RulesetBuilder.build(networks, local, List.of(), PolicyPlanBuilder.fresh(view, local));
        local.add(last);
        Ruleset after = RulesetBuilder.build(networks, local, List.of(), PolicyPlanBuilder.fresh(view, local));
        assertThat(after).isEqualTo(RulesetBuilder.fresh(networks, local, List.of(), PolicyPlanBuilder.fresh(view,
                local)));
        for (Endpoint e : local.subList(0, local.size() - 1)) {
            String id = RulesetBuilder.rulesetId(e);
            assertThat(after.endpoints().get(id)).as("an unchanged endpoint is the same object").isSameAs(
                    before.endpoints().get(id));
        }
        assertThat(after.endpoints()).containsKey(RulesetBuilder.rulesetId(last));
    }

    private static Endpoint copy(Endpoint e) {
        return copy(e, e.id());
    }

    private static Endpoint copy(Endpoint e, String id) {
        return new Endpoint(e.network(), id, e.node(), e.ip(), e.ip6(), e.containerId(), e.ifName(), e.mac(),
                e.labels());
    }

    private static LocalAttachment attachment(Endpoint e, String hostIf, List<PortMap> ports) {
        return new LocalAttachment(e.network(), e.id(), e.containerId(), "eth0", "/proc/1/ns/net", hostIf, e.mac(),
                e.ip() == null ? null : e.ip().toString(), e.ip6() == null ? null : e.ip6().toString(), ports,
                e.labels(), SPEC, 1);
    }
}
