package dev.qnf.agent.nft;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.reconcile.DesiredState;
import dev.qnf.agent.testing.RandomFabric;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The firewall derives each new layout from the last applied one ({@link RulesetCompiler#layout(Ruleset, Ruleset,
 * Map)}) and diffs by the recorded changes; a full render and a full comparison must give the same layout and the
 * same script. Random sequences of fabric changes go through the agent's own desired-state computation (with its
 * incremental plan), and after every step the derived layout is compared with {@code layout(next)} and the derived
 * script with the diff of the two full layouts.
 */
class IncrementalLayoutTest {
    @Test
    void afterEveryRandomChangeTheDerivedLayoutAndScriptAreTheFullOnes() {
        for (long seed = 1; seed <= 12; seed++) {
            RandomFabric fabric = new RandomFabric(seed);
            Ruleset applied = ruleset(fabric.view());
            Map<String, Layout.Table> appliedLayout = RulesetCompiler.layout(applied);
            for (int step = 0; step < 80; step++) {
                String change = fabric.step();
                Ruleset next = ruleset(fabric.view());
                String where = "seed " + seed + ", step " + step + " (" + change + ")";
                Map<String, Layout.Table> derived = RulesetCompiler.layout(next, applied, appliedLayout);
                Map<String, Layout.Table> full = RulesetCompiler.layout(next);
                assertThat(derived).as(where).isEqualTo(full);
                assertThat(normalized(RulesetCompiler.diff(appliedLayout, derived))).as(where)
                        .isEqualTo(normalized(RulesetCompiler.diff(RulesetCompiler.layout(applied), full)));
                applied = next;
                appliedLayout = derived;
            }
        }
    }

    @Test
    void anEndpointMoreIsDerivedFromTheChangesAlone() {
        RandomFabric fabric = new RandomFabric(7);
        Ruleset applied = ruleset(fabric.view());
        Map<String, Layout.Table> before = RulesetCompiler.layout(applied);
        Ruleset next = applied.withEndpoint(Ruleset.Endpoint.of("a:new", "a", "10.1.0.200", 0));
        Map<String, Layout.Table> after = RulesetCompiler.layout(next, applied, before);
        Layout.NftSet ep4 = after.get(RulesetCompiler.FILTER).sets().get("ep4");
        assertThat(ep4.elements()).isInstanceOf(Elements.class);
        assertThat(((Elements) ep4.elements()).changesFrom(before.get(RulesetCompiler.FILTER).sets().get("ep4")
                .elements())).containsExactly(Map.entry("10.1.0.200", ""));
        assertThat(after.get(RulesetCompiler.FILTER).sets().get("ident6").elements())
                .as("an unchanged set is the same object").isSameAs(before.get(RulesetCompiler.FILTER).sets()
                        .get("ident6").elements());
        assertThat(RulesetCompiler.diff(before, after)).isEqualTo("""
                add element inet qnf ep4 { 10.1.0.200 }
                add element inet qnf src4 { "qnf-a" . 10.1.0.200 }
                add element inet qnf net4-a { 10.1.0.200 }
                """);
    }

    static Ruleset ruleset(FabricView view) {
        return DesiredState.compute(new DesiredState.Inputs(view, List.of(), Set.of(), RandomFabric.NODE,
                "qnf.internal")).ruleset();
    }

    /** The script with the elements of each line sorted: the two paths may list one line's elements in any order. */
    static List<String> normalized(String script) {
        return script.lines().map(l -> {
            int open = l.indexOf("{ ");
            if (!l.contains(" element ") || open < 0) {
                return l;
            }
            String[] items = l.substring(open + 2, l.lastIndexOf(" }")).split(", ");
            Arrays.sort(items);
            return l.substring(0, open) + "{ " + String.join(", ", items) + " }";
        }).toList();
    }
}
