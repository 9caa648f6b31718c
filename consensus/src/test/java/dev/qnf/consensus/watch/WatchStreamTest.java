package dev.qnf.consensus.watch;

import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hub against an in-memory history, driven the way apply drives it: store, then image, then publish. */
class WatchStreamTest {
    private final List<EventHistory.Revision> stored = new CopyOnWriteArrayList<>();
    private volatile long compactedBelow;
    private final AtomicReference<FabricImage> image = new AtomicReference<>(FabricImage.empty());
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private final EventHistory history = (from, to, limit) -> {
        if (from < compactedBelow) {
            return EventHistory.Page.compactedPage();
        }
        List<EventHistory.Revision> out = new ArrayList<>();
        for (EventHistory.Revision r : stored) {
            if (r.revision() >= from && r.revision() <= to && out.size() < limit) {
                out.add(r);
            }
        }
        return new EventHistory.Page(false, out);
    };

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private void apply(WatchHub hub, long revision) {
        List<Change> changes = List.of(new Change.Put(new Member("m" + revision, "a", "b")));
        stored.add(new EventHistory.Revision(revision, changes));
        image.set(image.get().apply(changes, revision));
        hub.publish(revision, changes);
    }

    /** Records what a listener hears. */
    static class Recorder implements WatchListener {
        final List<Long> revisions = new CopyOnWriteArrayList<>();
        final List<Long> resyncs = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile long heldAt = -1;

        @Override
        public void onEvents(long revision, List<Change> changes) {
            try {
                if (gate.getCount() > 0) {
                    heldAt = revision;
                }
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            revisions.add(revision);
        }

        @Override
        public void onResync(FabricImage current) {
            resyncs.add(current.revision());
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }
    }

    @Test
    void historyThenLiveWithoutGapsOrDuplicatesWhileApplyRuns() throws Exception {
        WatchHub hub = new WatchHub(history, image::get, executor, 10_000);
        for (long r = 1; r <= 300; r++) {
            apply(hub, r);
        }
        Recorder rec = new Recorder();
        Thread writer = new Thread(() -> {
            for (long r = 301; r <= 600; r++) {
                apply(hub, r);
            }
        });
        writer.start();
        try (Watch w = hub.watch(5, rec)) {
            writer.join();
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.revisions.size() == 596);
            assertThat(rec.revisions).isSorted().doesNotHaveDuplicates();
            assertThat(rec.revisions.get(0)).isEqualTo(5);
            assertThat(rec.resyncs).isEmpty();
        }
        assertThat(hub.size()).isZero();
    }

    @Test
    void aCompactedStartResyncsThenStreams() {
        WatchHub hub = new WatchHub(history, image::get, executor, 100);
        for (long r = 1; r <= 10; r++) {
            apply(hub, r);
        }
        compactedBelow = 6;
        Recorder rec = new Recorder();
        try (Watch w = hub.watch(2, rec)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.resyncs.size() == 1);
            apply(hub, 11);
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.revisions.contains(11L));
            assertThat(rec.resyncs).containsExactly(10L);
            assertThat(rec.revisions).containsExactly(11L);
        }
    }

    @Test
    void aFutureStartWaitsForItsRevision() {
        WatchHub hub = new WatchHub(history, image::get, executor, 100);
        apply(hub, 1);
        Recorder rec = new Recorder();
        try (Watch w = hub.watch(4, rec)) {
            for (long r = 2; r <= 6; r++) {
                apply(hub, r);
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.revisions.size() == 3);
            assertThat(rec.revisions).containsExactly(4L, 5L, 6L);
        }
    }

    @Test
    void aSlowWatcherIsResyncedInsteadOfHoldingApply() {
        WatchHub hub = new WatchHub(history, image::get, executor, 8);
        // Revision 1 is history before the watch starts, so the watch's first delivery is a call to the listener,
        // which the gate holds. Without it the drain could skip through resyncs on its own and only get stuck
        // on the last revision, which is not the backlog this test is about.
        apply(hub, 1);
        Recorder rec = new Recorder();
        rec.gate = new CountDownLatch(1);
        try (Watch w = hub.watch(1, rec)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.heldAt == 1);
            for (long r = 2; r <= 50; r++) {
                apply(hub, r); // never blocks although the listener is stuck
            }
            rec.gate.countDown();
            await().atMost(30, TimeUnit.SECONDS).until(() -> !rec.resyncs.isEmpty());
            apply(hub, 51);
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.revisions.contains(51L));
            assertThat(rec.revisions).isSorted().doesNotHaveDuplicates();
            long resyncedAt = rec.resyncs.get(rec.resyncs.size() - 1);
            assertThat(rec.revisions).filteredOn(r -> r > resyncedAt).containsExactly(51L);
        }
    }

    @Test
    void resyncAllAndCloseReachEveryWatch() {
        WatchHub hub = new WatchHub(history, image::get, executor, 100);
        apply(hub, 1);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        hub.watch(1, a);
        hub.watch(1, b);
        await().atMost(30, TimeUnit.SECONDS).until(() -> a.revisions.size() == 1 && b.revisions.size() == 1);
        hub.resyncAll();
        await().atMost(30, TimeUnit.SECONDS).until(() -> a.resyncs.size() == 1 && b.resyncs.size() == 1);
        hub.close();
        await().atMost(30, TimeUnit.SECONDS).until(() -> a.error.get() != null && b.error.get() != null);
        assertThat(hub.size()).isZero();
    }

    @Test
    void aThrowingListenerEndsOnlyItsOwnWatch() {
        WatchHub hub = new WatchHub(history, image::get, executor, 100);
        Recorder good = new Recorder();
        Recorder bad = new Recorder() {
            @Override
            public void onEvents(long revision, List<Change> changes) {
                throw new IllegalStateException("boom");
            }
        };
        hub.watch(1, good);
        hub.watch(1, bad);
        apply(hub, 1);
        apply(hub, 2);
        await().atMost(30, TimeUnit.SECONDS).until(() -> bad.error.get() != null && good.revisions.size() == 2);
        assertThat(bad.error.get()).hasMessage("boom");
        assertThat(hub.size()).isEqualTo(1);
    }
}
