package dev.qnf.chaos.checkers;

import dev.qnf.chaos.history.AgentFinal;
import dev.qnf.chaos.history.Kind;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The node agent's invariants catch what they name, and pass a clean history. */
class AgentInvariantsTest {
    private static final String NET = "agentnet";

    private static Histories clean() {
        Histories h = new Histories();
        h.cni(Kind.CNI_ADD, "c1", 0, 10, 0, "10.4.0.2");
        h.cni(Kind.CNI_ADD, "c2", 20, 30, 11, null); // control plane away: try again later
        h.cni(Kind.CNI_DEL, "c2", 31, 32, 0, null);
        h.cni(Kind.CNI_ADD, "c3", 40, 50, 0, "10.4.0.3");
        h.cni(Kind.CNI_DEL, "c3", 60, 61, 11, null); // the agent itself was restarting
        h.cni(Kind.CNI_DEL, "c3", 62, 63, 0, null);
        h.agent(new AgentFinal(true, 0, Map.of("c1", "10.4.0.2")));
        h.finalState("s1", 9, Map.of(), Map.of());
        return h;
    }

    private static Histories withAllocations(Histories h, Map<String, String> agentnet) {
        h.finalStateOf("s1", 9, Map.of(NET, agentnet));
        return h;
    }

    @Test
    void aCleanHistoryPasses() {
        var history = withAllocations(clean(), Map.of("c1:eth0", "10.4.0.2")).build();
        assertThat(new AgentFailStatic().check(history).violations()).isEmpty();
        assertThat(new AgentAgreesWithControlPlane(NET).check(history).violations()).isEmpty();
    }

    @Test
    void anAddAnsweringAnotherErrorOrADelThatNeverSucceedsIsNotFailStatic() {
        Histories h = clean();
        h.cni(Kind.CNI_ADD, "c4", 70, 80, 999, null);
        h.cni(Kind.CNI_DEL, "c4", 81, 82, 11, null);
        assertThat(new AgentFailStatic().check(h.build()).violations()).hasSize(2);
    }

    @Test
    void aTornDownContainerIsNotFailStatic() {
        Histories h = clean();
        Map<String, String> gone = new java.util.HashMap<>();
        gone.put("c1", null); // no eth0 in its namespace any more
        h.agent(new AgentFinal(true, 0, gone));
        assertThat(new AgentFailStatic().check(h.build()).holds()).isFalse();
    }

    @Test
    void aLeakedAddressOrAMissingAllocationIsReported() {
        var leaked = withAllocations(clean(), Map.of("c1:eth0", "10.4.0.2", "c2:eth0", "10.4.0.9")).build();
        assertThat(new AgentAgreesWithControlPlane(NET).check(leaked).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("c2:eth0", "leaked"));
        var missing = withAllocations(clean(), Map.of()).build();
        assertThat(new AgentAgreesWithControlPlane(NET).check(missing).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("c1:eth0"));
    }
}
