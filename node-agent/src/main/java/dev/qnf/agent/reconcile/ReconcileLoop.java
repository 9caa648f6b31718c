package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.Backoff;
import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.metrics.AgentMetrics;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.StateStore;
import dev.qnf.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * When to reconcile: soon after every change of the view ({@link #trigger}, coalesced), every {@code resync} as a
 * convergence pass that also rewrites QNF's firewall tables (drift repair), and again with backoff after a failed
 * pass. Passes run on one thread; each computes the desired state from the current inputs under the host lock, tears
 * down orphaned attachments, converges, and stores the view it programmed from.
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

    private final Reconciler reconciler;
    private final StateStore store;
    private final Supplier<FabricView> view;
    private final String node;
    private final String domain;
    private final Duration resync;
    private final AgentMetrics metrics;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Backoff retry;
    private volatile boolean programmed;
    private long savedRevision = -1;

    public ReconcileLoop(Reconciler reconciler, StateStore store, Supplier<FabricView> view, String node, String domain,
                         Duration resync, AgentMetrics metrics) {
        this.reconciler = reconciler;
        this.store = store;
        this.view = view;
        this.node = node;
        this.domain = domain;
        this.resync = resync;
        this.metrics = metrics;
        this.retry = new Backoff(Duration.ofSeconds(1), resync);
        this.executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("qnf-reconcile"));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    /** True once a pass has completed without errors. */
    public boolean programmed() {
        return programmed;
    }

    /** The desired state from the current view and local state. */
    public DesiredState desired() {
        return DesiredState.compute(new DesiredState.Inputs(view.get(), store.attachments(), store.pendingReleaseKeys(),
                node, domain));
    }

    /** Starts the periodic convergence passes. */
    public void start() {
        long period = resync.toMillis();
        executor.scheduleWithFixedDelay(() -> pass(Reconciler.Mode.ADOPT, () -> { }), period, period,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a pass soon; many triggers before it reads the view make one pass. The request is taken once the pass
     * holds the host lock, just before it reads the inputs: triggers that come while it waits for the lock (a CNI
     * verb holds it) are served by it, and a trigger after that gets a pass of its own.
     */
    public void trigger() {
        if (pending.compareAndSet(false, true)) {
            executor.schedule(() -> pass(Reconciler.Mode.APPLY, () -> pending.set(false)), 20, TimeUnit.MILLISECONDS);
        }
    }

    /** One pass, now, on the calling thread. */
    public Reconciler.Report runOnce(Reconciler.Mode mode) {
        return runOnce(mode, () -> { });
    }

    /** One pass on the calling thread; {@code locked} runs first once the host lock is held. */
    private Reconciler.Report runOnce(Reconciler.Mode mode, Runnable locked) {
        try {
            return reconciler.locked(() -> {
                locked.run();
                DesiredState d = desired();
                for (LocalAttachment o : d.orphaned()) {
                    LOG.warn("attachment {} (container {}, {}) is no longer in the control plane at revision {}; "
                            + "tearing it down", o.key(), o.containerId(), o.ip(), d.revision());
                    store.remove(o.network(), o.endpoint());
                }
                Reconciler.Report r = reconciler.converge(d, mode);
                saveView();
                return r;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Firewall and DNS from the current inputs; for CNI verbs, which already hold the host lock. */
    public void refreshRules() {
        reconciler.applyRules(desired());
    }

    private void pass(Reconciler.Mode mode, Runnable locked) {
        boolean ok;
        try {
            Reconciler.Report r = runOnce(mode, locked);
            ok = r.ok();
            if (!ok) {
                LOG.warn("reconcile pass had errors: {}", r.errors());
            }
        } catch (RuntimeException e) {
            LOG.error("reconcile pass failed", e);
            ok = false;
        }
        metrics.reconcile(ok);
        if (ok) {
            programmed = true;
            retry.reset();
        } else if (!executor.isShutdown()) {
            executor.schedule(this::trigger, retry.next().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The first pass of a starting agent: adopts what the host has. */
    public Reconciler.Report adopt() {
        Reconciler.Report r;
        try {
            r = runOnce(Reconciler.Mode.ADOPT);
        } catch (RuntimeException e) {
            metrics.reconcile(false);
            throw e;
        }
        metrics.reconcile(r.ok());
        if (r.ok()) {
            programmed = true;
        } else {
            trigger();
        }
        return r;
    }

    private void saveView() {
        FabricView v = view.get();
        if (v.known() && v.revision() != savedRevision) {
            try {
                store.saveView(v.snapshot());
                savedRevision = v.revision();
            } catch (RuntimeException e) {
                LOG.warn("cannot store the control-plane view: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        executor.shutdown(); // not shutdownNow: an interrupted pass would abort its file writes half way
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
