package dev.qnf.agent.control;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.fabric.model.Network;

import java.time.Duration;

/**
 * The control plane as the CNI verbs need it. Calls throw {@link QnfApiException}; status 503 (code UNAVAILABLE)
 * means "not reachable now".
 */
public interface ControlPlane {

    /** True while the node's heartbeats succeed. */
    boolean connected();

    /** The latest view (possibly stale while disconnected: fail static). */
    FabricView view();

    /** Idempotent per endpoint id. */
    Written<AllocationView> allocate(String network, AllocationRequest request);

    /** Idempotent: releasing what is not held succeeds. */
    void release(String network, String endpoint);

    /** The network's spec, from the view if it has it, else from the API (404 NOT_FOUND if it does not exist). */
    Network network(String name);

    /**
     * Waits until the view has reached {@code revision} (what a write answered), at most {@code timeout}; true if it
     * has. The CNI ADD waits so that the endpoint's identity and the policies of that revision are programmed
     * before it answers.
     */
    default boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (view().revision() < revision) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    static boolean unavailable(QnfApiException e) {
        return e.httpStatus() == 503 || "UNAVAILABLE".equals(e.code()) || e.httpStatus() == 502 || e.httpStatus() == 504;
    }
}
