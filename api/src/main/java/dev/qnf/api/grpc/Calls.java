package dev.qnf.api.grpc;

import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/** Completes a unary call from a future; synchronous throws (bad input) take the same error path. */
final class Calls {
    private Calls() {
    }

    static <T, R> void unary(StreamObserver<R> out, Supplier<CompletableFuture<T>> call, Function<T, R> toProto) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                out.onError(failure);
                return;
            }
            R response;
            try {
                response = toProto.apply(value);
            } catch (RuntimeException e) {
                out.onError(e);
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }
}
