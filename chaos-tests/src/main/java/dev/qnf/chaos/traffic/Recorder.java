package dev.qnf.chaos.traffic;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.chaos.history.Output;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Records every client call with its invocation and completion time and classifies how it ended (see
 * {@link Outcome}). Thread-safe; times are nanoseconds since {@link #start()}.
 */
public final class Recorder {
    private final long t0 = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final List<Operation> operations = new ArrayList<>();

    public long now() {
        return System.nanoTime() - t0;
    }

    public long start() {
        return t0;
    }

    /**
     * Runs {@code call} and records it. A {@link QnfApiException} becomes FAIL (4xx, or a connection that was never
     * made) or UNKNOWN (503, 5xx, timeouts, broken connections); the caller maps the answer to an {@link Output}.
     */
    public Operation record(String process, String server, Kind kind, Input input, Supplier<Output> call) {
        long id = ids.incrementAndGet();
        long invoked = now();
        Outcome outcome;
        Output output;
        try {
            output = call.get();
            boolean refused = output instanceof Output.Refused
                    || output instanceof Output.CniAnswer a && a.code() != 0;
            outcome = refused ? Outcome.FAIL : Outcome.OK;
        } catch (QnfApiException e) {
            if (e.httpStatus() >= 400 && e.httpStatus() < 500) {
                outcome = Outcome.FAIL;
                output = new Output.Refused(e.httpStatus(), e.code(), e.getMessage());
            } else if (neverSent(e)) {
                outcome = Outcome.FAIL;
                output = new Output.NoAnswer("not sent: " + e.getMessage());
            } else {
                outcome = Outcome.UNKNOWN;
                output = new Output.NoAnswer(e.httpStatus() + " " + e.code() + ": " + shorten(e.getMessage()));
            }
        } catch (RuntimeException e) {
            outcome = Outcome.UNKNOWN;
            output = new Output.NoAnswer(e.toString());
        }
        Operation op = new Operation(id, process, server, kind, input, invoked, now(), outcome, output);
        synchronized (operations) {
            operations.add(op);
        }
        return op;
    }

    /** A connection refused or a connect timeout: the request never reached a server. */
    private static boolean neverSent(QnfApiException e) {
        Throwable c = e.getCause();
        while (c != null) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                return true;
            }
            c = c.getCause();
        }
        return false;
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    public List<Operation> operations() {
        synchronized (operations) {
            return List.copyOf(operations);
        }
    }

    public int size() {
        synchronized (operations) {
            return operations.size();
        }
    }
}
