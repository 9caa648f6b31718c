package dev.qnf.agent.sys;

import dev.qnf.concurrent.DaemonThreads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * A network namespace, named by a path (/var/run/netns/NAME, /proc/PID/ns/net, or a CNI runtime's netns path).
 * {@link #run} executes code on a fresh thread that has entered the namespace: setns(2) changes only the calling
 * thread, and a thread that entered another namespace must never go back to a pool, so each call gets its own
 * short-lived thread. Sockets opened on that thread (netlink, libnftables) belong to the namespace for good.
 */
public record NetNs(Path path) {
    /** One count for the whole process: netns-1, netns-2, ... */
    private static final ThreadFactory THREADS = DaemonThreads.numbered("netns");

    public static NetNs of(String path) {
        return new NetNs(Path.of(path));
    }

    /** A namespace created with {@code ip netns add NAME}. */
    public static NetNs named(String name) {
        return new NetNs(Path.of("/var/run/netns", name));
    }

    /** The namespace of this process (the host's, for the agent). */
    public static NetNs host() {
        return new NetNs(Path.of("/proc/self/ns/net"));
    }

    public boolean exists() {
        return Files.exists(path);
    }

    public <T> T run(Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = THREADS.newThread(() -> {
            int fd = LibC.INSTANCE.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0) {
                failure[0] = new SysException("open " + path, LibC.errno());
                return;
            }
            try {
                if (LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET) != 0) {
                    failure[0] = new SysException("setns " + path, LibC.errno());
                    return;
                }
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                LibC.INSTANCE.close(fd);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while working in " + path, e);
        }
        if (failure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failure[0] instanceof Error err) {
            throw err;
        }
        if (failure[0] != null) {
            throw new IllegalStateException("failed in " + path + ": " + failure[0].getMessage(),
                    new ExecutionException(failure[0]));
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    public void exec(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }

    public static boolean isRoot() {
        return LibC.INSTANCE.geteuid() == 0;
    }
}
