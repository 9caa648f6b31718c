package dev.qnf.cli.bench;

import dev.qnf.cli.ClientConfig;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code qnf bench}: closed-loop write benchmarks. {@code alloc} measures QNF address allocations, {@code etcd}
 * measures etcd puts of the same size with the same client model, so the two can be compared side by side (see
 * {@code bench/alloc-vs-etcd.sh} and docs/benchmarks.md).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Write-throughput benchmarks: QNF allocations, and etcd puts for comparison.",
        subcommands = {BenchCommand.Alloc.class, BenchCommand.Etcd.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a benchmark: alloc or etcd");
    }

    /** Runs {@code bench} on its own, for when it is not registered under {@code qnf}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    enum Output { table, json }

    /** The client model and reporting options shared by every benchmark. */
    static final class LoadOptions {
        @Option(names = "--clients", defaultValue = "64",
                description = "Concurrent closed-loop clients, i.e. requests in flight (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--ops", defaultValue = "20000",
                description = "Measured operations (default: ${DEFAULT-VALUE}).")
        long ops;

        @Option(names = "--warmup", defaultValue = "-1",
                description = "Unmeasured operations run first (default: a tenth of --ops, at least one per client).")
        long warmup;

        @Option(names = "--connections", defaultValue = "0",
                description = "gRPC connections the clients share, round-robin over the endpoints "
                        + "(default: one per 10 clients, at least one per endpoint, at most 100 and at most "
                        + "--clients).")
        int connections;

        @Option(names = "--op-timeout", defaultValue = "10",
                description = "Deadline of each request in seconds (default: ${DEFAULT-VALUE}).")
        int opTimeoutSeconds;

        @Option(names = "--max-seconds", defaultValue = "300",
                description = "Bound on each phase (warm-up, measured); clients stop starting requests after it "
                        + "(default: ${DEFAULT-VALUE}).")
        int maxSeconds;

        @Option(names = {"-o", "--output"}, defaultValue = "table",
                description = "table or json (one object per line) (default: ${DEFAULT-VALUE}).")
        Output output;

        int connectionsFor(int endpoints) {
            if (connections > 0) {
                return connections;
            }
            return Math.min(clients, Math.min(100, Math.max(endpoints, (clients + 9) / 10)));
        }

        LoadHarness harness(CommandSpec spec) {
            if (clients < 1 || ops < 1 || opTimeoutSeconds < 1 || maxSeconds < 1) {
                throw new ParameterException(spec.commandLine(),
                        "--clients, --ops, --op-timeout and --max-seconds must be positive");
            }
            return new LoadHarness(clients, ops, warmupOps(), Duration.ofSeconds(maxSeconds));
        }

        /** --warmup, or the harness's default for these --clients and --ops when it was not given. */
        long warmupOps() {
            return warmup >= 0 ? warmup : LoadHarness.defaultWarmup(clients, ops);
        }

        /** A name part that is new on every run, so that a run writes new keys, not replays of an earlier run's. */
        static String runStamp() {
            return Long.toString(System.currentTimeMillis(), 36);
        }

        Duration opTimeout() {
            return Duration.ofSeconds(opTimeoutSeconds);
        }
    }

    @Command(name = "alloc", mixinStandardHelpOptions = true,
            description = "Allocates addresses for new endpoints through QNF's gRPC Ipam.Allocate.")
    static final class Alloc implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        LoadOptions load;

        @Option(names = "--endpoint", paramLabel = "URL[,URL...]",
                description = "QNF server API URLs; requests are spread over all of them (default: $QNF_ENDPOINT, then "
                        + "~/.qnf/config, then the dev cluster's first server).")
        String endpoint;

        @Option(names = "--network",
                description = "Network to create and allocate from (default: a new one per run, bench-<time>).")
        String network;

        @Option(names = "--cidr", defaultValue = "10.128.0.0/12",
                description = "The network's IPv4 prefix (default: ${DEFAULT-VALUE}).")
        String cidr;

        @Option(names = "--block-prefix", defaultValue = "26",
                description = "Size of the per-node blocks (default: ${DEFAULT-VALUE}, QNF's default).")
        int blockPrefix;

        @Option(names = "--nodes", defaultValue = "100",
                description = "Node names the allocations are spread over, as from CNI plugins on that many hosts; "
                        + "0 allocates without a node (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--ready-timeout", defaultValue = "60",
                description = "Seconds to wait for the cluster to accept the network (default: ${DEFAULT-VALUE}).")
        int readySeconds;

        @Override
        public Integer call() throws InterruptedException {
            LoadHarness harness = load.harness(spec);
            List<String> endpoints = ClientConfig.endpoints(endpoint);
            String name = network != null ? network : "bench-" + LoadOptions.runStamp();
            int connections = load.connectionsFor(endpoints.size());
            try (QnfAllocDriver driver = QnfAllocDriver.open(endpoints, connections, name, nodes, load.opTimeout())) {
                try {
                    driver.createNetwork(cidr, blockPrefix, Duration.ofSeconds(readySeconds));
                } catch (StatusRuntimeException e) {
                    spec.commandLine().getErr().printf("error: cannot create network %s on %s: %s: %s%n", name,
                            endpoints, e.getStatus().getCode(), e.getStatus().getDescription());
                    return 1;
                }
                describe(spec, "qnf-alloc", load, connections, endpoints.size(),
                        "network %s %s /%d blocks, %d nodes".formatted(name, cidr, blockPrefix, nodes));
                return report(spec, load, measure(spec, () -> harness.run("qnf-alloc", driver::allocate)));
            }
        }
    }

    @Command(name = "etcd", mixinStandardHelpOptions = true,
            description = "Puts new keys into etcd (v3 gRPC KV.Put), values the size of a QNF allocation record.")
    static final class Etcd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        LoadOptions load;

        @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", paramLabel = "HOST:PORT",
                description = "etcd client endpoints; requests are spread over all of them "
                        + "(default: ${DEFAULT-VALUE}).")
        List<String> endpoints;

        @Option(names = "--key-prefix",
                description = "Prefix of the keys written (default: a new one per run, /qnf-bench/<time>).")
        String keyPrefix;

        @Override
        public Integer call() throws InterruptedException {
            LoadHarness harness = load.harness(spec);
            String prefix = keyPrefix != null ? keyPrefix : "/qnf-bench/" + LoadOptions.runStamp();
            int connections = load.connectionsFor(endpoints.size());
            try (EtcdPutDriver driver = EtcdPutDriver.open(endpoints, connections, prefix, load.opTimeout())) {
                describe(spec, "etcd-put", load, connections, endpoints.size(),
                        "keys %s/<n>, %d-byte values".formatted(prefix, driver.valueSize()));
                LongFunction<CompletableFuture<?>> put = driver::put;
                return report(spec, load, measure(spec, () -> harness.run("etcd-put", put)));
            }
        }
    }

    private static void describe(CommandSpec spec, String target, LoadOptions load, int connections, int endpoints,
            String what) {
        spec.commandLine().getErr().printf("%s: %d clients on %d connection(s) to %d endpoint(s), %d ops after %d "
                + "warm-up; %s%n", target, load.clients, connections, endpoints, load.ops, load.warmupOps(), what);
        spec.commandLine().getErr().flush();
    }

    /** A run, interruptible. */
    @FunctionalInterface
    private interface Run {
        BenchResult run() throws InterruptedException;
    }

    /**
     * Runs and tells (on stderr) how much CPU this client process used: it shares the machine with the servers, so
     * a client that eats a core is part of the result.
     */
    private static BenchResult measure(CommandSpec spec, Run run) throws InterruptedException {
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        BenchResult r = run.run();
        long cpu = processCpuNanos() - cpu0;
        double wall = (System.nanoTime() - t0) / 1e9;
        if (cpu0 >= 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "%s: client used %.1f CPU-s in %.1f s (warm-up included)%n",
                    r.target(), cpu / 1e9, wall);
            spec.commandLine().getErr().flush();
        }
        return r;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Prints the result; exits non-zero only when nothing succeeded. */
    private static int report(CommandSpec spec, LoadOptions load, BenchResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (load.output == Output.json) {
            out.println(json(r));
        } else {
            out.println(table(List.of(r)));
        }
        out.flush();
        return r.ops() > r.errors() ? 0 : 1;
    }

    static String json(BenchResult r) {
        return String.format(Locale.ROOT,
                "{\"target\":\"%s\",\"clients\":%d,\"ops\":%d,\"errors\":%d,\"opsPerSecond\":%.1f,"
                        + "\"p50Millis\":%.3f,\"p99Millis\":%.3f,\"maxMillis\":%.3f}",
                r.target().replace("\\", "\\\\").replace("\"", "\\\""), r.clients(), r.ops(), r.errors(),
                r.opsPerSecond(), r.p50Millis(), r.p99Millis(), r.maxMillis());
    }

    static String table(List<BenchResult> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s %8s %8s %7s %10s %8s %8s %8s",
                "target", "clients", "ops", "errors", "ops/s", "p50 ms", "p99 ms", "max ms"));
        for (BenchResult r : results) {
            b.append(String.format(Locale.ROOT, "%n%-10s %8d %8d %7d %10.1f %8.2f %8.2f %8.2f", r.target(), r.clients(),
                    r.ops(), r.errors(), r.opsPerSecond(), r.p50Millis(), r.p99Millis(), r.maxMillis()));
        }
        return b.toString();
    }
}
