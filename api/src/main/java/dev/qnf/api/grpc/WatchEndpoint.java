package dev.qnf.api.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.auth.AccessControl;
import dev.qnf.api.auth.OpenCallRecheck;
import dev.qnf.api.backend.Subscription;
import dev.qnf.api.backend.WatchListener;
import dev.qnf.api.service.FabricService;
import dev.qnf.api.v1.EventBatch;
import dev.qnf.api.v1.KeyedResource;
import dev.qnf.api.v1.Resync;
import dev.qnf.api.v1.WatchGrpc;
import dev.qnf.api.v1.WatchRequest;
import dev.qnf.api.v1.WatchResponse;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.FabricImage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code qnf.v1.Watch}: one message per revision until the client cancels, or until its caller would be refused a
 * new call (node revoked: PERMISSION_DENIED, certificate expired: UNAUTHENTICATED; checked every second,
 * {@link OpenCallRecheck}); the consensus watch closes with it.
 */
public final class WatchEndpoint extends WatchGrpc.WatchImplBase {
    private final FabricService fabric;
    private final AccessControl access;

    public WatchEndpoint(FabricService fabric, AccessControl access) {
        this.fabric = fabric;
        this.access = access;
    }

    @Override
    public void watch(WatchRequest r, StreamObserver<WatchResponse> out) {
        ServiceRequestContext ctx = ServiceRequestContext.current();
        ctx.clearRequestTimeout();
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) out;
        AtomicReference<Subscription> subscription = new AtomicReference<>();
        Sink sink = new Sink(call, () -> close(subscription));
        call.setOnCancelHandler(() -> close(subscription));
        call.setOnReadyHandler(sink::ready);
        try {
            subscription.set(fabric.watch(r.hasFromRevision() ? r.getFromRevision() : null, sink));
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        OpenCallRecheck recheck = OpenCallRecheck.start(ctx, access, refused -> sink.end(
                Status.fromCode(refused.code().grpcCode()).withDescription(refused.getMessage())));
        if (call.isCancelled()) {
            recheck.close();
            close(subscription);
        }
    }

    private static void close(AtomicReference<Subscription> subscription) {
        Subscription s = subscription.getAndSet(null);
        if (s != null) {
            s.close();
        }
    }

    /**
     * Deliveries come one at a time, so the observer is never called concurrently. Backpressure as for REST: while
     * the call cannot take more, the delivery thread waits (the replica's bounded queue turns a long wait into a
     * resync); a call that takes nothing for {@link #STALL_LIMIT_MILLIS} is ended.
     */
    static final long STALL_LIMIT_MILLIS = 30_000;

    private static final class Sink implements WatchListener {
        private final ServerCallStreamObserver<WatchResponse> call;
        private final Runnable unsubscribe;
        private final Object readiness = new Object();
        /** The call is used from the delivery thread and, to end it, from the event loop: one at a time. */
        private final Object calls = new Object();
        private boolean ended;

        Sink(ServerCallStreamObserver<WatchResponse> call, Runnable unsubscribe) {
            this.call = call;
            this.unsubscribe = unsubscribe;
        }

        /** Closes the call with {@code status} (unless it already ended) and stops the consensus watch. */
        void end(Status status) {
            synchronized (calls) {
                if (!ended) {
                    ended = true;
                    if (!call.isCancelled()) {
                        call.onError(status.asRuntimeException());
                    }
                }
            }
            unsubscribe.run();
            ready();   // a delivery waiting for readiness gives up
        }

        void ready() {
            synchronized (readiness) {
                readiness.notifyAll();
            }
        }

        @Override
        public void onEvents(long revision, List<Change> changes) {
            send(WatchResponse.newBuilder().setRevision(revision).setEvents(EventBatch.newBuilder()
                    .addAllEvents(changes.stream().map(Protos::event).toList())).build());
        }

        @Override
        public void onResync(FabricImage current) {
            send(WatchResponse.newBuilder().setRevision(current.revision()).setResync(Resync.newBuilder()
                    .addAllObjects(current.resources().stream().map(res -> KeyedResource.newBuilder()
                            .setKey(res.key().toString()).setObject(Protos.resource(res)).build()).toList()))
                    .build());
        }

        @Override
        public void onError(Throwable t) {
            synchronized (calls) {
                if (!ended && !call.isCancelled()) {
                    ended = true;
                    call.onError(t);
                }
            }
        }

        private void send(WatchResponse message) {
            if (call.isCancelled() || !awaitReady()) {
                return;
            }
            synchronized (calls) {
                if (!ended && !call.isCancelled()) {
                    call.onNext(message);
                }
            }
        }

        private boolean isEnded() {
            synchronized (calls) {
                return ended;
            }
        }

        private boolean awaitReady() {
            long deadline = System.currentTimeMillis() + STALL_LIMIT_MILLIS;
            synchronized (readiness) {
                while (!call.isReady() && !call.isCancelled() && !isEnded()) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        end(Status.UNAVAILABLE.withDescription("watch client took nothing for "
                                + STALL_LIMIT_MILLIS + " ms; reconnect from the last revision"));
                        return false;
                    }
                    try {
                        readiness.wait(Math.min(left, 1000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return !call.isCancelled() && !isEnded();
        }
    }
}
