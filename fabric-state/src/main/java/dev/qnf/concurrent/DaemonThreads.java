package dev.qnf.concurrent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place QNF's processes make their background threads: every one is a daemon (it never keeps a server, an
 * agent or a test JVM alive) and has a name of its own, which is what logs and {@code jstack} show.
 *
 * <p>Two kinds of names, chosen by the caller: {@link #named} gives every thread of a factory the same name (for an
 * executor with one thread, e.g. {@code qnf-mesh}), {@link #numbered} appends {@code -1}, {@code -2}, ... counted per
 * factory (for pools, e.g. {@code qnf-cni-3}). Threads are created with {@code new Thread(runnable, name)}, so they
 * inherit group, priority and context class loader from the creating thread, and get no uncaught-exception handler
 * of their own (the JVM's default prints the stack trace).
 *
 * <p>Lives in the fabric-state module only because that is the module every process-side module depends on; the
 * domain packages ({@code dev.qnf.fabric..}) do not start threads.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A daemon thread named {@code name} that runs {@code run}, not yet started (for a start() of its own). */
    public static Thread thread(String name, Runnable run) {
        Thread t = new Thread(run, name);
        t.setDaemon(true);
        return t;
    }

    /** A daemon thread named {@code name}, started on {@code run}. */
    public static Thread start(String name, Runnable run) {
        Thread t = thread(name, run);
        t.start();
        return t;
    }

    /** Makes daemon threads all named {@code name}: for executors with a single thread. */
    public static ThreadFactory named(String name) {
        return r -> thread(name, r);
    }

    /** Makes daemon threads named {@code prefix-1}, {@code prefix-2}, ...; each factory counts from 1. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> thread(prefix + "-" + n.incrementAndGet(), r);
    }

    /**
     * {@link Executors#newSingleThreadScheduledExecutor} on one daemon thread named {@code name}: a periodic task
     * that throws is not run again, and the exception stays in its future, as with any scheduled executor.
     */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(named(name));
    }
}
