package dev.qnf.api.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
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

/** {@code qnf.v1.Watch}: one message per revision until the client cancels; the consensus watch closes with it. */
public final class WatchEndpoint extends WatchGrpc.WatchImplBase {
    private final FabricService fabric;

    public WatchEndpoint(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void watch(WatchRequest r, StreamObserver<WatchResponse> out) {
        ServiceRequestContext.current().clearRequestTimeout();
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) out;
        AtomicReference<Subscription> subscription = new AtomicReference<>();
        Sink sink = new Sink(call);
        call.setOnCancelHandler(() -> close(subscription));
        call.setOnReadyHandler(sink::ready);
        try {
            subscription.set(fabric.watch(r.hasFromRevision() ? r.getFromRevision() : null, sink));
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        if (call.isCancelled()) {
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
        private final Object readiness = new Object();

        Sink(ServerCallStreamObserver<WatchResponse> call) {
            this.call = call;
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
            if (!call.isCancelled()) {
                call.onError(t);
            }
        }

        private void send(WatchResponse message) {
            if (call.isCancelled() || !awaitReady()) {
                return;
            }
            call.onNext(message);
        }

        private boolean awaitReady() {
            long deadline = System.currentTimeMillis() + STALL_LIMIT_MILLIS;
            synchronized (readiness) {
                while (!call.isReady() && !call.isCancelled()) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        call.onError(Status.UNAVAILABLE.withDescription("watch client took nothing for "
                                + STALL_LIMIT_MILLIS + " ms; reconnect from the last revision").asRuntimeException());
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
            return !call.isCancelled();
        }
    }
}
