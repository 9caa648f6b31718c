package dev.qnf.agent.nft;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake behaves like {@link NftFirewall} where reconcile logic can tell: first apply adopts, failures change nothing. */
class FakeFirewallTest {

    @Test
    void recordsDistinctStatesAndFailsOnRequest() {
        FakeFirewall fw = new FakeFirewall();
        Ruleset one = RulesetCompilerTest.SMALL;
        Ruleset two = one.withoutEndpoint("c1");
        fw.apply(one);
        fw.apply(one);
        fw.failNext(new NftException("Error: simulated", "add element inet qnf ep4 { 10.1.0.9 }"));
        assertThatThrownBy(() -> fw.apply(two)).isInstanceOf(NftException.class);
        assertThat(fw.applied()).isEqualTo(one);
        fw.apply(two);
        assertThat(fw.history()).containsExactly(one, two);
        assertThat(fw.adoptions()).isEqualTo(1);
    }
}
