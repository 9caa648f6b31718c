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

    /**
     * Whether the control plane refused this node for good: 401 (its certificate: expired on an open connection, so it
     * cannot be renewed either) or 403 (revoked, or a registration it may never make: another node's name, another
     * site than its join token's). Retrying changes nothing; the node needs an operator (a new identity, a new join
     * token, other flags). Everything else — no answer, 5xx, no leader — is transient.
     */
    static boolean refusedForGood(QnfApiException e) {
        return e.httpStatus() == 401 || e.httpStatus() == 403;
    }

    static boolean unavailable(QnfApiException e) {
        return e.httpStatus() == 503 || "UNAVAILABLE".equals(e.code()) || e.httpStatus() == 502 || e.httpStatus() == 504;
    }
}
