package dev.qnf.agent.cni;

import dev.qnf.agent.control.ControlPlane;
import dev.qnf.agent.metrics.AgentMetrics;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.StateStore;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Addresses going back to the control plane. A DEL queues its release durably first ({@link StateStore}), then
 * releases; when the control plane is away the release stays queued and {@link #flush} sends it later. An ADD of the
 * same endpoint meanwhile takes the address back ({@link #allocate}). Both hold one lock, so the flusher never
 * releases an address an ADD has just taken back.
 */
final class ReleaseQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseQueue.class);

    private final StateStore store;
    private final ControlPlane control;
    private final AgentMetrics metrics;
    private final Set<String> inflight;
    private final Object lock = new Object();

    ReleaseQueue(StateStore store, ControlPlane control, AgentMetrics metrics, Set<String> inflight) {
        this.store = store;
        this.control = control;
        this.metrics = metrics;
        this.inflight = inflight;
    }

    /**
     * Allocates; when a release of this endpoint is still queued, the queued release is dropped, but only once the
     * allocation succeeded (a failed ADD while the control plane is away leaves it queued).
     */
    Written<AllocationView> allocate(String network, String endpoint, AllocationRequest request) {
        if (!store.pendingReleaseKeys().contains(LocalAttachment.key(network, endpoint))) {
            return api(() -> control.allocate(network, request));
        }
        synchronized (lock) {
            Written<AllocationView> w = api(() -> control.allocate(network, request));
            store.releaseDone(network, endpoint);
            return w;
        }
    }

    /** Releases a queued endpoint now, or leaves it queued when the control plane is away. */
    void release(String network, String endpoint) {
        try {
            control.release(network, endpoint);
            store.releaseDone(network, endpoint);
        } catch (QnfApiException e) {
            if ("NOT_FOUND".equals(e.code())) {
                store.releaseDone(network, endpoint); // the network is gone, and the endpoint with it
            } else {
                metrics.releaseQueued();
                LOG.info("release of {}/{} queued: {}", network, endpoint, e.getMessage());
            }
        }
    }

    /** Sends the queued releases, stopping at the first sign the control plane is away; returns how many remain. */
    int flush() {
        for (StateStore.PendingRelease p : store.pendingReleases()) {
            synchronized (lock) {
                if (!store.pendingReleaseKeys().contains(p.key()) || inflight.contains(p.key())) {
                    continue;
                }
                try {
                    control.release(p.network(), p.endpoint());
                    store.releaseDone(p.network(), p.endpoint());
                    LOG.info("queued release of {} done", p.key());
                } catch (QnfApiException e) {
                    if ("NOT_FOUND".equals(e.code())) {
                        store.releaseDone(p.network(), p.endpoint());
                    } else if (ControlPlane.unavailable(e)) {
                        break;
                    } else {
                        LOG.warn("queued release of {} refused: {}", p.key(), e.getMessage());
                    }
                }
            }
        }
        return store.pendingReleases().size();
    }

    /** A control-plane call as a CNI verb sees it: unreachable is "try again later"; refusals keep their meaning. */
    static <T> T api(Supplier<T> call) {
        try {
            return call.get();
        } catch (QnfApiException e) {
            if (ControlPlane.unavailable(e)) {
                throw new CniError(CniError.TRY_AGAIN_LATER, "the QNF control plane is unreachable; try again later",
                        e.getMessage());
            }
            throw switch (e.code()) {
                case "NOT_FOUND", "INVALID_ARGUMENT" -> CniError.config(e.getMessage());
                case "ALREADY_EXISTS", "FAILED_PRECONDITION" -> new CniError(CniError.CONFLICT, e.getMessage());
                case "RESOURCE_EXHAUSTED" -> new CniError(CniError.EXHAUSTED, e.getMessage());
                default -> new CniError(CniError.INTERNAL, "control plane refused: " + e.code(), e.getMessage());
            };
        }
    }
}
