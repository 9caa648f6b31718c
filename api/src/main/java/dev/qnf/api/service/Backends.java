package dev.qnf.api.service;

import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** How the services call the backend: bounded in time, and with every cluster failure reported as UNAVAILABLE. */
final class Backends {
    private Backends() {
    }

    static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> call, Duration timeout) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((value, failure) -> {
                    if (failure == null) {
                        return value;
                    }
                    throw unavailable(Errors.unwrap(failure));
                });
    }

    private static ApiException unavailable(Throwable t) {
        if (t instanceof ApiException e) {
            return e;
        }
        if (t instanceof TimeoutException) {
            return ApiException.unavailable("the cluster did not answer in time; retry", t);
        }
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return ApiException.unavailable("the cluster is unavailable: " + detail, t);
    }
}
