package dev.qnf.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    private static final Runnable NOTHING = () -> { };

    @Test
    void threadIsANamedDaemonNotYetStarted() {
        Thread t = DaemonThreads.thread("qnf-test", NOTHING);
        assertThat(t.getName()).isEqualTo("qnf-test");
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getState()).isEqualTo(Thread.State.NEW);
        assertThat(t.getUncaughtExceptionHandler()).isSameAs(t.getThreadGroup()); // no handler of its own
    }

    @Test
    void startRunsTheTaskOnANamedDaemon() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        Thread t = DaemonThreads.start("qnf-started", () -> ran.complete(Thread.currentThread()));
        assertThat(ran.get(30, TimeUnit.SECONDS)).isSameAs(t);
        assertThat(t.getName()).isEqualTo("qnf-started");
        assertThat(t.isDaemon()).isTrue();
        t.join(30_000);
    }

    @Test
    void namedGivesEveryThreadTheSameName() {
        ThreadFactory f = DaemonThreads.named("qnf-one");
        List<Thread> threads = List.of(f.newThread(NOTHING), f.newThread(NOTHING));
        assertThat(threads).extracting(Thread::getName).containsExactly("qnf-one", "qnf-one");
        assertThat(threads).allMatch(Thread::isDaemon);
    }

    @Test
    void numberedCountsFromOnePerFactory() {
        ThreadFactory a = DaemonThreads.numbered("qnf-pool-a");
        ThreadFactory b = DaemonThreads.numbered("qnf-pool-b");
        List<Thread> threads = List.of(a.newThread(NOTHING), a.newThread(NOTHING), b.newThread(NOTHING),
                a.newThread(NOTHING));
        assertThat(threads).extracting(Thread::getName)
                .containsExactly("qnf-pool-a-1", "qnf-pool-a-2", "qnf-pool-b-1", "qnf-pool-a-3");
        assertThat(threads).allMatch(Thread::isDaemon);
    }

    @Test
    void schedulerRunsOnOneNamedDaemon() throws Exception {
        ScheduledExecutorService s = DaemonThreads.scheduler("qnf-timer");
        try {
            Thread first = s.schedule(Thread::currentThread, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
            Thread second = s.submit(Thread::currentThread).get(30, TimeUnit.SECONDS);
            assertThat(first.getName()).isEqualTo("qnf-timer");
            assertThat(first.isDaemon()).isTrue();
            assertThat(second).isSameAs(first);
        } finally {
            s.shutdownNow();
        }
    }

    /** The helper lives in the domain's module, but the domain itself stays free of threads and executors. */
    @Test
    void theDomainPackagesStartNoThreads() throws IOException {
        Path domain = Path.of("src/main/java/dev/qnf/fabric");
        assertThat(domain).isDirectory();
        try (Stream<Path> files = Files.walk(domain)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String src = Files.readString(p);
                    return src.contains("Thread") || src.contains("Executor") || src.contains("java.util.concurrent")
                            || src.contains("dev.qnf.concurrent");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
            assertThat(offenders).isEmpty();
        }
    }
}
