package dev.qnf.agent.control;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Watching;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.json.WatchMessage;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.model.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The agent's link to the control plane: registers the node and renews its lease every {@code heartbeat}, keeps a
 * watch running from the last revision seen, and reports connectivity. While the control plane is unreachable it
 * retries with {@link Backoff} and changes nothing else: the view stays as it was (fail static). When the control
 * plane refuses the node for good ({@link ControlPlane#refusedForGood}: revoked, its certificate refused) it stops
 * and completes {@link #refused()} instead of retrying for ever.
 */
public final class ControlPlaneLink implements ControlPlane, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneLink.class);

    /** Called on the link's threads; implementations should hand off work rather than block. */
    public interface Listener {
        void viewChanged(FabricView view);

        /** Edge-triggered: called when connectivity changes. */
        void connectivityChanged(boolean connected);
    }

    private final QnfClient client;
    private final String node;
    private final Supplier<NodeRequest> registration;
    private final Duration heartbeat;
    private final Listener listener;
    private final Backoff backoff;
    private final OutageReasons outage = new OutageReasons();
    private final Thread thread;
    private final Object wake = new Object();
    private final Object viewLock = new Object();
    private volatile FabricView view;
    private volatile boolean connected;
    private volatile boolean closed;
    private final CompletableFuture<QnfApiException> refused = new CompletableFuture<>();
    private Watching watching;

    public ControlPlaneLink(QnfClient client, String node, NodeRequest registration, Duration heartbeat,
                            FabricView initial, Listener listener) {
        this(client, node, () -> registration, heartbeat, initial, listener);
    }

    /** With a registration that may change (a rotated WireGuard key): read before every heartbeat. */
    public ControlPlaneLink(QnfClient client, String node, Supplier<NodeRequest> registration, Duration heartbeat,
                            FabricView initial, Listener listener) {
        this.client = Objects.requireNonNull(client);
        this.node = node;
        this.registration = registration;
        this.heartbeat = heartbeat;
        this.listener = listener;
        this.view = initial;
        this.backoff = new Backoff(Duration.ofMillis(200), heartbeat.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                ? heartbeat.multipliedBy(2) : Duration.ofSeconds(10));
        this.thread = DaemonThreads.thread("qnf-control-plane", this::run);
    }

    public void start() {
        thread.start();
    }

    @Override
    public boolean connected() {
        return connected;
    }

    /**
     * Completes, with the refusal, when the control plane refused this node for good; the link has stopped then (no
     * more heartbeats or watch). The agent's process should exit and say why.
     */
    public CompletableFuture<QnfApiException> refused() {
        return refused;
    }

    @Override
    public FabricView view() {
        return view;
    }

    @Override
    public Written<AllocationView> allocate(String network, AllocationRequest request) {
        return client.allocate(network, request);
    }

    @Override
    public void release(String network, String endpoint) {
        client.release(network, endpoint);
    }

    @Override
    public Network network(String name) {
        return view.network(name).orElseGet(() -> Views.network(client.getNetwork(name, true)));
    }

    /** Wakes the loop for an immediate heartbeat (and watch check). */
    public void poke() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            Duration pause;
            try {
                client.registerNode(node, registration.get());
                setConnected(true);
                ensureWatching();
                backoff.reset();
                outage.recovered();
                pause = heartbeat;
            } catch (QnfApiException e) {
                if (ControlPlane.refusedForGood(e)) {
                    LOG.error("control plane: node {} refused for good ({} {}: {}); stopping the link", node,
                            e.httpStatus(), e.code(), e.getMessage());
                    setConnected(false);
                    stopWatching();
                    refused.complete(e);
                    return;
                }
                if (outage.isNew(e.code() + " " + e.getMessage())) {
                    LOG.warn("control plane: node {} heartbeat failed: {} {}{}", node, e.code(), e.getMessage(),
                            ControlPlane.unavailable(e) ? "; retrying" : "");
                }
                setConnected(false);
                pause = backoff.next();
            } catch (RuntimeException e) {
                LOG.error("control plane: unexpected failure in the heartbeat loop", e);
                setConnected(false);
                pause = backoff.next();
            }
            sleep(pause);
        }
    }

    private synchronized void ensureWatching() {
        if (closed || (watching != null && !watching.done().isDone())) {
            return;
        }
        if (watching != null) {
            watching.done().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("control plane: watch ended ({}); restarting from revision {}", e.getMessage(),
                            view.revision() + 1);
                }
            });
        }
        watching = client.watch(view.revision() + 1, this::onMessage);
        watching.done().whenComplete((v, e) -> {
            if (e != null && unwrap(e) instanceof QnfApiException api && ControlPlane.refusedForGood(api)) {
                poke();   // a heartbeat now hears the refusal (and the link stops) rather than at the next beat
            }
        });
    }

    private synchronized void stopWatching() {
        if (watching != null) {
            watching.close();
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (viewLock) {
            while (view.revision() < revision) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                viewLock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void onMessage(WatchMessage message) {
        FabricView next;
        synchronized (viewLock) {
            next = view.apply(message);
            view = next;
            viewLock.notifyAll();
        }
        listener.viewChanged(next);
    }

    private void setConnected(boolean now) {
        if (connected != now) {
            connected = now;
            LOG.info("control plane: {}", now ? "connected (node " + node + " registered)" : "unreachable; keeping the last programmed state");
            listener.connectivityChanged(now);
        }
    }

    private void sleep(Duration d) {
        synchronized (wake) {
            if (closed) {
                return;
            }
            try {
                wake.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        poke();
        stopWatching();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
