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
        call.setOnCancelHandler(() -> close(subscription));
        try {
            subscription.set(fabric.watch(r.hasFromRevision() ? r.getFromRevision() : null, new Sink(call)));
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

    /** Deliveries come one at a time, so the observer is never called concurrently. */
    private record Sink(ServerCallStreamObserver<WatchResponse> call) implements WatchListener {
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
            if (!call.isCancelled()) {
                call.onNext(message);
            }
        }
    }
}
