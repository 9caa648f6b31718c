package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.metrics.AgentMetrics;
import dev.qnf.agent.netlink.FakeLinkOps;
import dev.qnf.agent.nft.FakeFirewall;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.StateStore;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.json.NetworkView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.qnf.agent.reconcile.Fixtures.NODE;
import static dev.qnf.agent.reconcile.Fixtures.att;
import static dev.qnf.agent.reconcile.Fixtures.ep;
import static dev.qnf.agent.reconcile.Fixtures.net;
import static dev.qnf.agent.reconcile.Fixtures.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The loop with a real state store and fake kernel: orphans, stored views, triggers, metrics. */
class ReconcileLoopTest {
    static final NetworkView BLUE = net("blue", "10.1.0.0/24", "10.1.0.1", true);

    @TempDir
    Path dir;

    final FakeLinkOps links = new FakeLinkOps();
    final FakeFirewall firewall = new FakeFirewall();
    final AgentMetrics metrics = new AgentMetrics();
    final AtomicReference<FabricView> view = new AtomicReference<>(FabricView.empty());

    final Reconciler reconciler = new Reconciler(links, firewall, new Fixtures.FakeDns(), new Fixtures.FakeSysctls());

    ReconcileLoop loop(StateStore store) {
        return new ReconcileLoop(reconciler, store, view::get, NODE, Fixtures.DOMAIN, Duration.ofHours(1), metrics);
    }

    @Test
    void anEndpointReleasedThroughTheApiIsTornDownAndForgotten() throws Exception {
        StateStore store = StateStore.open(dir);
        LocalAttachment kept = att(BLUE, "a", "10.1.0.2", 4);
        LocalAttachment released = att(BLUE, "b", "10.1.0.3", 4);
        store.put(kept);
        store.put(released);
        links.createVeth(kept.hostIf(), "eth0", 1450, NetNs.of("/x"));
        links.createVeth(released.hostIf(), "eth0", 1450, NetNs.of("/y"));
        try (ReconcileLoop loop = loop(store)) {
            assertThat(loop.adopt().ok()).isTrue();
            assertThat(links.link(released.hostIf())).as("nothing known yet: kept").isPresent();

            view.set(view(9, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null)));
            loop.runOnce(Reconciler.Mode.APPLY);

            assertThat(store.attachments()).containsExactly(kept);
            assertThat(links.link(released.hostIf())).isEmpty();
            assertThat(links.link(kept.hostIf())).isPresent();
            assertThat(store.loadView().orElseThrow().revision()).as("the view programmed from is stored").isEqualTo(9);
        }
    }

    @Test
    void triggersRunPassesInTheBackgroundAndCountThem() throws Exception {
        StateStore store = StateStore.open(dir);
        try (ReconcileLoop loop = loop(store)) {
            loop.adopt();
            assertThat(loop.programmed()).isTrue();
            view.set(view(3, List.of(BLUE), ep("blue", "a", NODE, "10.1.0.2", "c-a", null)));
            // Both triggers come while the host lock is held (as during a CNI verb), so the pass the first one asks
            // for cannot have read the view yet when the second comes, however slowly this thread runs.
            reconciler.locked(() -> {
                loop.trigger();
                loop.trigger();
                return null;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics.get("qnf_agent_reconcile_runs_total") >= 2);
            assertThat(links.link("qnf-blue")).isPresent();
            Thread.sleep(200);
            assertThat(metrics.get("qnf_agent_reconcile_runs_total")).as("two triggers, one pass").isEqualTo(2);
            assertThat(metrics.get("qnf_agent_reconcile_errors_total")).isZero();
        }
    }
}
