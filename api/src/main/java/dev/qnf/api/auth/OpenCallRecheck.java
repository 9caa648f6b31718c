package dev.qnf.api.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.errors.Errors;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Authenticates the caller of a long-lived call (a watch) again every {@link #PERIOD} while the call is open, so that
 * a stream opened before its node was revoked, or by a certificate that has since expired, ends within a period
 * instead of running as long as the client likes. The request's own check ran when the call started; this repeats
 * {@link AccessControl#authenticate} (for certificates: a date comparison and a lookup in the applied state, no
 * cryptography) on the call's event loop. Stops by itself when the request ends.
 */
public final class OpenCallRecheck implements AutoCloseable {
    /** How long a refused caller's stream may stay open at most after the refusal applies on this server. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    private final ScheduledFuture<?> task;
    private final AtomicBoolean done = new AtomicBoolean();

    private OpenCallRecheck(ServiceRequestContext ctx, AccessControl access, Consumer<ApiException> refused) {
        long period = PERIOD.toMillis();
        this.task = ctx.eventLoop().scheduleAtFixedRate(() -> {
            if (done.get()) {
                return;
            }
            try {
                access.authenticate(ctx);
            } catch (RuntimeException e) {
                if (done.compareAndSet(false, true)) {
                    refused.accept(Errors.classify(e));   // the call ends, and with it the schedule (below)
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        ctx.log().whenComplete().thenRun(this::close);
    }

    /**
     * Starts checking the caller of {@code ctx}; {@code refused} is called at most once, with the reason, and the
     * caller ends the call with it (its own way: a last line, a gRPC status).
     */
    public static OpenCallRecheck start(ServiceRequestContext ctx, AccessControl access,
                                        Consumer<ApiException> refused) {
        return new OpenCallRecheck(ctx, access, refused);
    }

    /** Stops checking (the call ended); idempotent. */
    @Override
    public void close() {
        done.set(true);
        task.cancel(false);
    }
}
